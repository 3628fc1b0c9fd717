"""The fault matrix: every fault the issue names, for both providers, through the real Agent with
``ReliableStep`` against the fake API server.

Each cell asserts what the user sees (Notice / TurnFailed texts), that the stored session holds every
event up to the fault (and the same history), and that the next prompt works (the request the server
received is valid for that API).
"""

from __future__ import annotations

import asyncio

import pytest
from rel_support import (
    KEY_ENV,
    KEYS,
    KINDS,
    MODELS,
    OTHER,
    PATHS,
    MakeRig,
    assert_session_matches,
    assert_valid_request,
    count_prompt,
)

from flux_tui.core.agent_events import (
    ProviderSwitched,
    ToolCallFinished,
    TurnFailed,
    TurnFinished,
    UsageReported,
)
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.retry import MIDSTREAM_HINT

pytestmark = pytest.mark.parametrize("kind", KINDS)


async def next_prompt_works(rig, prompt: str = "and now?") -> None:  # type: ignore[no-untyped-def]
    """A fresh prompt after the fault: answered, and the request carries one valid history."""
    before = len(rig.bodies(rig.agent.provider.kind))
    rig.queue_text("all good", kind=rig.agent.provider.kind)
    assert await rig.turn(prompt) == "end_turn"
    bodies = rig.bodies(rig.agent.provider.kind)
    assert len(bodies) == before + 1
    assert_valid_request(rig.agent.provider.kind, bodies[-1])
    assert count_prompt(rig.agent.provider.kind, bodies[-1], prompt) == 1
    assert rig.agent.transcript.messages[-1].text == "all good"


# -- status errors ------------------------------------------------------------------------------------


async def test_401_says_which_key_and_never_retries_or_fails_over(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, fallback=True)
    rig.queue_error(401)
    assert await rig.turn("hello") == "error"
    failed = rig.events.failed()
    assert failed.error == f"invalid key for {kind} ({KEY_ENV[kind]})"
    assert failed.error_type == "AuthenticationError"
    assert all(key not in failed.error for key in KEYS.values())
    assert len(rig.bodies()) == 1 and rig.bodies(OTHER[kind]) == []  # no retry, no failover
    assert rig.delays == [] and rig.events.switches() == []
    assert rig.agent.transcript.messages == []  # the prompt got no answer: out of the history
    assert_session_matches(rig)
    await next_prompt_works(rig)
    # the next prompt goes alone: the failed one is not merged into it
    assert count_prompt(kind, rig.bodies()[-1], "hello") == 0


async def test_404_lists_the_models_on_offer(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.api.anthropic_models = ["claude-a", "claude-b"]
    rig.api.openai_models = ["gpt-a", "gpt-b"]
    rig.queue_error(404, message=f"model: {MODELS[kind]} does not exist")
    assert await rig.turn("hello") == "error"
    failed = rig.events.failed()
    assert failed.error_type == "ModelNotFoundError"
    assert MODELS[kind] in failed.error
    offered = "claude-a, claude-b" if kind == "anthropic" else "gpt-a, gpt-b"
    assert failed.hint == f"Pick another model with /model (available: {offered})."
    assert rig.delays == []
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_429_then_success_honours_retry_after(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=3)
    rig.queue_error(429, retry_after=2, message="slow down")
    rig.queue_text("made it")
    assert await rig.turn("hello") == "end_turn"
    assert rig.delays == [2.0]
    assert rig.events.notices() == [f"rate limited by {kind}, retrying in 2 s (attempt 2 of 4)"]
    assert rig.events.text() == "made it"
    assert rig.events.of(TurnFailed) == []
    # the retry sent the same history: the prompt exactly once, in the request and in the transcript
    first, second = rig.bodies()
    assert first["messages"] == second["messages"]
    assert count_prompt(kind, second, "hello") == 1
    assert [m.role for m in rig.agent.transcript.messages] == ["user", "assistant"]
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_5xx_backs_off_exponentially_then_reports(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=2)
    for _ in range(3):
        rig.queue_error(503)
    assert await rig.turn("hello") == "error"
    assert rig.delays == [1.0, 2.0]  # full jitter pinned to its ceiling: base * 2**n
    assert rig.events.notices() == [
        f"{kind} answered with a server error (503), retrying in 1 s (attempt 2 of 3)",
        f"{kind} answered with a server error (503), retrying in 2 s (attempt 3 of 3)",
    ]
    failed = rig.events.failed()
    assert failed.error_type == "OverloadedError" and "503" in failed.error
    assert len(rig.bodies()) == 3
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_500_until_failover_carries_the_whole_history(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=1, fallback=True)
    other = OTHER[kind]
    (rig.workspace / "notes.txt").write_text("remember the milk\n")
    # turn 1 on the primary, with a tool call, so the history has every kind of block
    rig.queue_calls([("call_1", "read_file", {"path": "notes.txt"})])
    rig.queue_text("The note says: remember the milk.")
    assert await rig.turn("what does notes.txt say?") == "end_turn"
    # turn 2: the primary keeps failing, the fallback answers
    rig.queue_error(500)
    rig.queue_error(500)
    usage = {"input_tokens": 50, "output_tokens": 3}
    if other == "openai":
        usage = {"prompt_tokens": 50, "completion_tokens": 3}
    rig.queue_text("Buy milk.", kind=other, usage=usage)
    assert await rig.turn("so what do I do?") == "end_turn"

    assert rig.delays == [1.0]
    notices = rig.events.notices()
    assert notices[0] == f"{kind} answered with a server error (500), retrying in 1 s (attempt 2 of 2)"
    assert notices[1] == f"{kind} answered with a server error (500); switching to {other}:{MODELS[other]}"
    switched = rig.events.switches()
    assert [(s.provider, s.previous_provider, s.reason) for s in switched] == [(other, kind, "failover")]
    assert rig.agent.provider.name == other

    body = rig.bodies(other)[-1]
    assert_valid_request(other, body)
    assert count_prompt(other, body, "so what do I do?") == 1
    assert count_prompt(other, body, "what does notes.txt say?") == 1
    if other == "openai":
        tool_messages = [m for m in body["messages"] if m["role"] == "tool"]
        assert tool_messages and "remember the milk" in tool_messages[0]["content"]
        calls = [c for m in body["messages"] for c in m.get("tool_calls") or []]
        assert calls[0]["function"]["name"] == "read_file"
    else:
        blocks = [b for m in body["messages"] if isinstance(m["content"], list) for b in m["content"]]
        assert any(b["type"] == "tool_use" and b["name"] == "read_file" for b in blocks)
        result = next(b for b in blocks if b["type"] == "tool_result")
        text = result["content"] if isinstance(result["content"], str) else result["content"][0]["text"]
        assert "remember the milk" in text
    assert any("The note says" in str(m.get("content")) for m in body["messages"])

    # each part is attributed to the provider that served it
    ledger = UsageLedger()
    for event in rig.events.all:
        ledger.apply(event)
    by_model = ledger.by_model()
    assert set(by_model) == {(kind, MODELS[kind]), (other, MODELS[other])}
    assert by_model[(other, MODELS[other])].input_tokens == 50
    assert by_model[(other, MODELS[other])].replies == 1
    assert by_model[(kind, MODELS[kind])].replies == 2  # the two steps of turn 1
    final = [e for e in rig.events.of(UsageReported) if not e.estimated]
    assert [e.provider for e in final] == [kind, kind, other]

    loaded = assert_session_matches(rig)
    assert loaded.provider == other
    assert any(isinstance(e, ProviderSwitched) and e.reason == "failover" for e in loaded.events)
    await next_prompt_works(rig)  # on the fallback now


async def test_failover_exhausted_reports_every_attempt(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=0, fallback=True)
    rig.queue_error(529)
    rig.queue_error(500, kind=OTHER[kind])
    assert await rig.turn("hello") == "error"
    failed = rig.events.failed()
    assert failed.error_type == "OverloadedError" and kind in failed.error  # the primary's error
    assert failed.hint is not None and "fallbacks failed too" in failed.hint
    assert rig.events.notices()[-1].startswith(f"fallback {OTHER[kind]}:{MODELS[OTHER[kind]]} failed too")
    assert rig.agent.provider.name == kind  # never switched: the fallback never answered
    assert rig.events.switches() == []
    assert_session_matches(rig)
    await next_prompt_works(rig)


# -- faults inside the stream ---------------------------------------------------------------------------


async def test_overloaded_mid_stream_keeps_the_partial_and_offers_retry(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, fallback=True)
    rig.queue_text("one two three four five", error_after=3)
    assert await rig.turn("count") == "error"
    assert rig.events.text() == "one two three"
    failed = rig.events.failed()
    assert failed.error_type == "OverloadedError" and "mid-answer" in failed.error
    assert failed.hint == MIDSTREAM_HINT
    assert len(rig.bodies()) == 1 and rig.delays == []  # shown text: no automatic retry, no failover
    last = rig.agent.transcript.messages[-1]
    assert (last.role, last.incomplete, last.text) == ("assistant", True, "one two three")
    loaded = assert_session_matches(rig)
    assert loaded.transcript.messages[-1].incomplete
    await next_prompt_works(rig)


async def test_cut_stream_mid_answer_is_reported_with_the_partial(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_text("a b c d e f", cut_after=2)
    assert await rig.turn("letters") == "error"
    failed = rig.events.failed()
    assert failed.error_type == "IncompleteStreamError"
    assert "dropped in the middle of the answer" in failed.error
    assert failed.hint == MIDSTREAM_HINT
    assert rig.events.text() == "a b"
    assert rig.agent.transcript.messages[-1].incomplete
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_cut_stream_before_any_text_is_retried(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_text("never shown", cut_after=0)
    rig.queue_text("second time lucky")
    assert await rig.turn("letters") == "end_turn"
    assert rig.events.text() == "second time lucky"
    assert rig.delays == [1.0]
    assert rig.events.notices() == [
        f"the answer from {kind} broke off before it started, retrying in 1 s (attempt 2 of 3)"
    ]
    assert [m.role for m in rig.agent.transcript.messages] == ["user", "assistant"]
    assert count_prompt(kind, rig.bodies()[-1], "letters") == 1
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_idle_stream_is_a_failure_not_a_hang(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, idle_timeout=0.5)
    rig.queue_text("a b c d", stall_after=2, stall_seconds=30)
    assert await asyncio.wait_for(rig.turn("wait"), timeout=30) == "error"
    failed = rig.events.failed()
    assert failed.error_type == "IncompleteStreamError"
    assert "stopped sending for 0.5 s" in failed.error
    assert failed.hint == MIDSTREAM_HINT
    assert rig.events.text() == "a b"
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_idle_before_any_answer_is_retried(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, idle_timeout=0.5)
    rig.queue_text("too late", first_byte_delay=30)
    rig.queue_text("on time")
    assert await asyncio.wait_for(rig.turn("wait"), timeout=30) == "end_turn"
    assert rig.events.notices() == [
        f"no answer from {kind} ({rig.agent.provider.settings.base_url}) within 0.5 s, "
        "retrying in 1 s (attempt 2 of 3)"
    ]
    assert rig.events.text() == "on time"
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_malformed_tool_json_goes_back_as_a_tool_error(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_calls([("call_bad", "read_file", '{"path": "a.py"')])
    rig.queue_text("Sorry, let me fix that.")
    assert await rig.turn("read a.py") == "end_turn"
    (finished,) = rig.events.of(ToolCallFinished)
    assert finished.status == "failed"
    assert finished.result.startswith("invalid arguments for read_file: invalid JSON")
    body = rig.bodies()[-1]
    assert_valid_request(kind, body)
    if kind == "openai":
        (tool,) = [m for m in body["messages"] if m["role"] == "tool"]
        assert tool["tool_call_id"] == "call_bad" and "invalid JSON" in tool["content"]
    else:
        results = [
            b
            for m in body["messages"]
            if isinstance(m["content"], list)
            for b in m["content"]
            if b.get("type") == "tool_result"
        ]
        assert results[0]["tool_use_id"] == "call_bad" and results[0]["is_error"] is True
    assert rig.events.of(TurnFinished)[-1].stop_reason == "end_turn"
    assert_session_matches(rig)
    await next_prompt_works(rig)


async def test_network_down_says_so_and_keeps_the_session(kind: str, make_rig: MakeRig) -> None:
    import socket

    rig = make_rig(kind, max_retries=1)
    rig.queue_text("first answer")
    assert await rig.turn("first") == "end_turn"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    real = rig.agent.provider.settings.base_url
    dead = f"http://127.0.0.1:{port}" + ("/v1" if kind == "openai" else "")
    rig.agent.provider.settings.base_url = dead
    await rig.agent.provider.aclose()  # the next request builds a client on the dead address
    assert await rig.turn("second") == "error"
    failed = rig.events.failed()
    assert failed.error_type == "ProviderConnectionError"
    assert failed.error.startswith(f"cannot reach {kind} at {dead}")
    assert failed.hint == "Check the network or the provider's base URL, then retry."
    assert rig.delays == [1.0]
    (notice,) = rig.events.notices()
    assert notice.startswith(f"cannot reach {kind} at {dead}") and notice.endswith("(attempt 2 of 2)")
    # the prompt got no answer: out of the history, so the next prompt goes alone
    assert [m.text for m in rig.agent.transcript.messages] == ["first", "first answer"]
    assert_session_matches(rig)
    rig.agent.provider.settings.base_url = real  # the network is back
    await rig.agent.provider.aclose()
    await next_prompt_works(rig)


# -- faults of the endpoint and of the prompt itself ---------------------------------------------------

HTML_PAGE = b"<html><head><title>Welcome to nginx!</title></head><body>It works.</body></html>"


async def test_an_html_page_for_a_stream_is_reported_once_and_not_retried(
    kind: str, make_rig: MakeRig
) -> None:
    rig = make_rig(kind, max_retries=3, fallback=True)
    rig.api.queue_raw(PATHS[kind], HTML_PAGE, content_type="text/html; charset=utf-8")
    assert await rig.turn("hello") == "error"
    failed = rig.events.failed()
    assert "answered with text/html, not an event stream: check the base URL" in failed.error
    assert len(rig.bodies()) == 1 and rig.delays == []  # a wrong endpoint does not get better by asking
    assert rig.agent.transcript.messages == []  # no answer: the prompt is out of the history
    assert_session_matches(rig)
    await next_prompt_works(rig)
    assert count_prompt(kind, rig.bodies()[-1], "hello") == 0


async def test_a_prompt_too_long_does_not_poison_the_next_one(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=3)
    rig.queue_error(400, message="prompt is too long: 250000 tokens > 200000 maximum")
    assert await rig.turn("an enormous paste") == "error"
    assert rig.events.failed().error_type == "BadRequestError"
    assert rig.delays == []
    assert_session_matches(rig)
    await next_prompt_works(rig)  # answered: the rejected prompt is not sent again with it
    assert count_prompt(kind, rig.bodies()[-1], "an enormous paste") == 0


async def test_a_key_in_a_tool_result_never_reaches_the_endpoint(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    leaked = KEYS[kind]
    notes = rig.workspace / "notes.txt"
    notes.write_text(f"the key is {leaked}\n")
    rig.queue_calls([("c1", "read_file", {"path": "notes.txt"})])
    rig.queue_text("read it")
    try:
        assert await rig.turn("what is in notes.txt?") == "end_turn"
    finally:
        notes.unlink()  # the suite's own check fails on any file holding a test key
    assert all(leaked not in str(body) for body in rig.bodies())
    assert any("[redacted" in str(body) for body in rig.bodies()[1:])
    assert_session_matches(rig)
