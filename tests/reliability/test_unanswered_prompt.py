"""A prompt that got no answer stays out of the history the model sees, for every way a turn can end
before any of the answer arrived: 400 (context too long), 401, 403, 429/5xx after the retries gave up,
a stream dropped before its first token, "Don't send" at the budget dialog, Esc before the first token.

Asserted on the request bodies the fake API received (the failed prompt is absent from the next
request, ``/retry`` sends it once), on the events (the prompt is reported unanswered, marked "not sent"
when no provider got it) and on the stored session (rebuilt without it, the mark kept for the chat).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rel_support import (
    KINDS,
    PATHS,
    MakeRig,
    Rig,
    assert_session_matches,
    assert_valid_request,
    count_prompt,
    user_texts,
)

from flux_tui.core.agent_events import AgentEvent, TurnCancelled
from flux_tui.core.retry import retry_last

TOO_LONG = "prompt is too long: 250000 tokens > 200000 maximum"


def unanswered(events: list[AgentEvent]) -> list[Any]:
    # By kind, not class: the event is what the store and the chat read back.
    return [e for e in events if e.kind == "prompt_unanswered"]


def big_usage(kind: str) -> dict[str, int]:
    if kind == "anthropic":
        return {"input_tokens": 1_000_000, "output_tokens": 0}
    return {"prompt_tokens": 1_000_000, "completion_tokens": 0}


async def first_exchange(rig: Rig) -> None:
    rig.queue_text("hello there")
    assert await rig.turn("hi") == "end_turn"


async def sent_alone(rig: Rig, failed: str, prompt: str = "after the error") -> dict[str, Any]:
    """The next prompt is answered, and its request carries the history without ``failed``."""
    rig.queue_text("fine now")
    assert await rig.turn(prompt) == "end_turn"
    body = rig.bodies()[-1]
    assert_valid_request(rig.kind, body)
    assert user_texts(rig.kind, body) == ["hi", prompt]
    assert count_prompt(rig.kind, body, failed) == 0
    return body


# -- every failure before the answer ------------------------------------------------------------------

STATUS_CASES = [
    pytest.param(400, 1, {"message": TOO_LONG}, id="400-too-long"),
    pytest.param(401, 1, {}, id="401"),
    pytest.param(403, 1, {}, id="403"),
    pytest.param(429, 2, {"message": "slow down"}, id="429-gave-up"),
    pytest.param(500, 2, {}, id="500-gave-up"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("status", "times", "extra"), STATUS_CASES)
async def test_failed_prompt_is_not_sent_with_the_next_one(
    kind: str, status: int, times: int, extra: dict[str, Any], make_rig: MakeRig
) -> None:
    rig = make_rig(kind, max_retries=times - 1)
    await first_exchange(rig)
    for _ in range(times):
        rig.queue_error(status, **extra)
    failed = f"FAIL{status} now"
    assert await rig.turn(failed) == "error"
    assert len(rig.bodies()) == 1 + times
    # it reached the server, and is now out of the history
    assert count_prompt(kind, rig.bodies()[-1], failed) == 1
    assert [m.text for m in rig.agent.transcript.messages] == ["hi", "hello there"]
    marks = unanswered(rig.events.all)
    assert [(m.prompt, m.sent) for m in marks] == [(failed, True)]
    assert marks[0].reason == rig.events.failed().error
    loaded = assert_session_matches(rig)
    assert [m.text for m in loaded.transcript.messages] == ["hi", "hello there"]
    assert [e.prompt for e in unanswered(loaded.events)] == [failed]
    await sent_alone(rig, failed)
    assert_session_matches(rig)


@pytest.mark.parametrize("kind", KINDS)
async def test_too_long_prompt_does_not_block_retry_or_later_prompts(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=0)
    await first_exchange(rig)
    huge = "HUGE " * 50
    rig.queue_error(400, message=TOO_LONG)
    assert await rig.turn(huge) == "error"
    # /retry sends it (on purpose) once more: rejected again, it still stays out
    rig.queue_error(400, message=TOO_LONG)
    assert await retry_last(rig.agent) == "error"
    assert user_texts(kind, rig.bodies()[-1]) == ["hi", huge]
    # later prompts each go alone: the session is not stuck
    body = await sent_alone(rig, huge, "shorter question")
    assert [m["role"] for m in body["messages"] if m["role"] != "system"] == ["user", "assistant", "user"]
    rig.queue_text("still fine")
    assert await rig.turn("and one more") == "end_turn"
    assert count_prompt(kind, rig.bodies()[-1], huge) == 0
    assert_session_matches(rig)


@pytest.mark.parametrize("kind", KINDS)
async def test_stream_dropped_before_any_answer(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=0)
    await first_exchange(rig)
    rig.queue_text("never shown", cut_after=0)
    assert await rig.turn("dropped one") == "error"
    assert rig.events.failed().error_type == "IncompleteStreamError"
    assert [m.text for m in rig.agent.transcript.messages] == ["hi", "hello there"]
    assert [m.prompt for m in unanswered(rig.events.all)] == ["dropped one"]
    assert_session_matches(rig)
    await sent_alone(rig, "dropped one")


@pytest.mark.parametrize("kind", KINDS)
async def test_esc_before_the_first_token(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    await first_exchange(rig)
    rig.queue_text("too late", first_byte_delay=30)
    task = asyncio.ensure_future(rig.agent.run_turn("cancel me"))
    while len(rig.api.requests_to(PATHS[kind])) < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert rig.events.of(TurnCancelled)
    assert [m.text for m in rig.agent.transcript.messages] == ["hi", "hello there"]
    assert [(m.prompt, m.reason) for m in unanswered(rig.events.all)] == [("cancel me", "cancelled")]
    assert_session_matches(rig)
    await sent_alone(rig, "cancel me")


# -- the budget dialog's "Don't send" ----------------------------------------------------------------


class Refuse:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, spent: float, budget: float) -> bool:
        self.calls += 1
        return False


@pytest.mark.parametrize("kind", KINDS)
async def test_dont_send_means_it(kind: str, make_rig: MakeRig) -> None:
    refuse = Refuse()
    rig = make_rig(kind, budget_usd=1.0, confirm=refuse)
    rig.queue_text("hello there", usage=big_usage(kind))
    assert await rig.turn("hi") == "end_turn"
    assert await rig.turn("refused prompt") == "error"
    assert refuse.calls == 1 and len(rig.bodies()) == 1
    assert [m.text for m in rig.agent.transcript.messages] == ["hi", "hello there"]
    assert [(m.prompt, m.sent) for m in unanswered(rig.events.all)] == [("refused prompt", False)]
    assert_session_matches(rig)
    # raise the cap and write something else: the refused prompt is not sent along
    assert rig.step.budget is not None
    rig.step.budget.set_budget(100.0)
    body = await sent_alone(rig, "refused prompt")
    assert len(rig.bodies()) == 2 and body is rig.bodies()[-1]


@pytest.mark.parametrize("kind", KINDS)
async def test_retry_after_dont_send_sends_it_once(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, budget_usd=1.0, confirm=Refuse())
    rig.queue_text("hello there", usage=big_usage(kind))
    assert await rig.turn("hi") == "end_turn"
    assert await rig.turn("refused prompt") == "error"
    assert rig.step.budget is not None
    rig.step.budget.set_budget(100.0)
    rig.queue_text("answered")
    assert await retry_last(rig.agent) == "end_turn"
    assert user_texts(kind, rig.bodies()[-1]) == ["hi", "refused prompt"]
    texts = [m.text for m in rig.agent.transcript.messages]
    assert texts == ["hi", "hello there", "refused prompt", "answered"]
    assert_session_matches(rig)


# -- /retry sends exactly that prompt, once ------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_retry_resends_the_unanswered_prompt_once(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=0)
    await first_exchange(rig)
    rig.queue_error(401)
    assert await rig.turn("FAIL401 now") == "error"
    rig.queue_error(401)
    assert await retry_last(rig.agent) == "error"  # still failing: still out, still retryable
    assert count_prompt(kind, rig.bodies()[-1], "FAIL401 now") == 1
    assert [m.text for m in rig.agent.transcript.messages] == ["hi", "hello there"]
    rig.queue_text("welcome back")
    assert await retry_last(rig.agent) == "end_turn"
    body = rig.bodies()[-1]
    assert_valid_request(kind, body)
    assert user_texts(kind, body) == ["hi", "FAIL401 now"]
    texts = [m.text for m in rig.agent.transcript.messages]
    assert texts == ["hi", "hello there", "FAIL401 now", "welcome back"]
    with pytest.raises(ValueError, match="nothing to retry"):
        await retry_last(rig.agent)
    loaded = assert_session_matches(rig)
    assert [m.text for m in loaded.transcript.messages] == [
        "hi",
        "hello there",
        "FAIL401 now",
        "welcome back",
    ]
    rig.queue_text("ok")
    assert await rig.turn("next") == "end_turn"
    assert user_texts(kind, rig.bodies()[-1]) == ["hi", "FAIL401 now", "next"]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_new_prompt_replaces_the_unanswered_one_for_retry(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=0)
    await first_exchange(rig)
    rig.queue_error(401)
    assert await rig.turn("first failure") == "error"
    rig.queue_error(401)
    assert await rig.turn("second failure") == "error"
    assert count_prompt(kind, rig.bodies()[-1], "first failure") == 0
    rig.queue_text("ok")
    assert await retry_last(rig.agent) == "end_turn"
    assert user_texts(kind, rig.bodies()[-1]) == ["hi", "second failure"]


@pytest.mark.parametrize("kind", KINDS)
async def test_mid_answer_failure_keeps_the_prompt_and_partial(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_text("one two three four", error_after=2)
    assert await rig.turn("count") == "error"
    assert unanswered(rig.events.all) == []
    assert [(m.role, m.text, m.incomplete) for m in rig.agent.transcript.messages] == [
        ("user", "count", False),
        ("assistant", "one two", True),
    ]
    assert_session_matches(rig)
