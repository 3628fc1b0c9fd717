"""How streams are put back together: fragmented and parallel tool calls, odd servers, broken streams."""

from __future__ import annotations

import json
from typing import Any

from fakeapi import FakeAPI
from fakeapi_sse import anthropic_event, openai_data
from llm_support import collect, of_type, texts

from flux_tui.core.errors import IncompleteStreamError
from flux_tui.core.transcript import ThinkingBlock

CALLS = [
    ("call_a", "read_file", {"path": "src/app.py", "start": 1, "end": 40}),
    ("call_b", "grep", {"pattern": "def .*\\(", "glob": "**/*.py", "flags": ["-n", "-i"]}),
    ("call_c", "list_dir", {}),
]


async def test_openai_parallel_calls_with_interleaved_fragments(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.queue_openai_tool_calls(CALLS, text="Looking.", fragment=2, interleave=True)
    provider = make_provider("openai")
    events = await collect(provider)
    uses = of_type(events, "tool_use")
    assert [(e["id"], e["name"], e["input"]) for e in uses] == CALLS
    assert texts(events) == "Looking."
    assert [c.id for c in provider.transcript.messages[-1].tool_calls] == ["call_a", "call_b", "call_c"]


async def test_anthropic_parallel_calls_with_fragments(fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_anthropic_tool_use(CALLS, text="Looking.", fragment=2, split_bytes=11)
    provider = make_provider("anthropic")
    events = await collect(provider)
    assert [(e["id"], e["name"], e["input"]) for e in of_type(events, "tool_use")] == CALLS


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    return openai_data(
        {
            "id": "chatcmpl-x",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "local-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


def _tool(index: int, call_id: str | None, name: str | None, args: str) -> dict[str, Any]:
    fn: dict[str, Any] = {"arguments": args}
    if name:
        fn["name"] = name
    call: dict[str, Any] = {"index": index, "function": fn}
    if call_id:
        call["id"] = call_id
        call["type"] = "function"
    return {"tool_calls": [call]}


async def test_openai_new_id_at_the_same_index_starts_a_new_call(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    """Some compatible servers put every call at index 0; a new id is what separates them."""
    body = b"".join(
        [
            _chunk({"role": "assistant", "content": None}),
            _chunk(_tool(0, "c1", "read_file", '{"path":')),
            _chunk(_tool(0, None, None, ' "a"}')),
            _chunk(_tool(0, "c2", "read_file", '{"path": "b"}')),
            _chunk({}, "tool_calls"),
            b"data: [DONE]\n\n",
        ]
    )
    fake_api.queue_raw("openai", body)
    events = await collect(make_provider("openai", name="local", model="local-model"))
    assert [(e["id"], e["input"]) for e in of_type(events, "tool_use")] == [
        ("c1", {"path": "a"}),
        ("c2", {"path": "b"}),
    ]
    assert of_type(events, "usage") == []  # this server sent none
    assert events[-1] == {"type": "done", "stop_reason": "tool_use"}


async def test_openai_reasoning_content_is_thinking_and_never_sent_back(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    body = b"".join(
        [
            _chunk({"role": "assistant", "reasoning_content": "Let me think. "}),
            _chunk({"reasoning_content": "Done thinking."}),
            _chunk({"content": "Answer."}),
            _chunk({}, "stop"),
            b"data: [DONE]\n\n",
        ]
    )
    fake_api.queue_raw("openai", body)
    provider = make_provider("openai", model="local-model")
    events = await collect(provider)
    assert texts(events, "thinking") == "Let me think. Done thinking."
    assert texts(events) == "Answer."
    blocks = provider.transcript.messages[-1].blocks
    assert isinstance(blocks[0], ThinkingBlock) and blocks[0].provider == "openai"
    fake_api.queue_openai_text("ok")
    await collect(provider, "next")
    assert "Let me think" not in json.dumps(fake_api.last_request("/v1/chat/completions").body)


async def test_openai_cut_stream_keeps_only_completed_calls(fake_api: FakeAPI, make_provider: Any) -> None:
    # cut while the second call's arguments stream: the first one is complete, the second is not
    fake_api.queue_openai_tool_calls(CALLS[:2], fragment=4, cut_after=15)
    provider = make_provider("openai")
    try:
        await collect(provider)
    except IncompleteStreamError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected IncompleteStreamError")
    last = provider.transcript.messages[-1]
    assert last.incomplete
    assert [(c.id, c.input) for c in last.tool_calls] == [CALLS[0][::2]]


async def test_anthropic_cut_stream_keeps_only_completed_calls(fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_anthropic_tool_use(CALLS[:2], fragment=4, cut_after=15)
    provider = make_provider("anthropic")
    seen: list[dict[str, Any]] = []
    try:
        async for event in provider.send_message("go"):
            seen.append(dict(event))
    except IncompleteStreamError:
        pass
    assert [e["id"] for e in of_type(seen, "tool_use")] == ["call_a"]
    last = provider.transcript.messages[-1]
    assert last.incomplete and [c.id for c in last.tool_calls] == ["call_a"]
    # the next request answers the kept call (the agent would; here, an interrupted result is synthesised)
    fake_api.queue_anthropic_text("ok")
    await collect(provider, "try again")
    sent = fake_api.last_request("/v1/messages").body["messages"]
    assert sent[2]["content"][0]["tool_use_id"] == "call_a"


async def test_anthropic_tool_input_given_whole_in_block_start(fake_api: FakeAPI, make_provider: Any) -> None:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "gw",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 1},
        },
    }
    block = {"type": "tool_use", "id": "toolu_1", "name": "list_dir", "input": {"path": "."}}
    body = b"".join(
        [
            anthropic_event("message_start", start),
            anthropic_event(
                "content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}
            ),
            anthropic_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            anthropic_event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "tool_use"},
                    "usage": {"output_tokens": 9},
                },
            ),
            anthropic_event("message_stop", {"type": "message_stop"}),
        ]
    )
    fake_api.queue_raw("anthropic", body)
    events = await collect(make_provider("anthropic"))
    assert of_type(events, "tool_use") == [
        {"type": "tool_use", "id": "toolu_1", "name": "list_dir", "input": {"path": "."}}
    ]
    assert of_type(events, "usage")[-1]["output_tokens"] == 9
    assert of_type(events, "usage")[-1]["input_tokens"] == 5


async def test_redacted_thinking_round_trips_to_the_same_model(fake_api: FakeAPI, make_provider: Any) -> None:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-6",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 1},
        },
    }
    redacted = {"type": "redacted_thinking", "data": "ENCRYPTED=="}
    text = {"type": "text", "text": ""}
    body = b"".join(
        [
            anthropic_event("message_start", start),
            anthropic_event(
                "content_block_start", {"type": "content_block_start", "index": 0, "content_block": redacted}
            ),
            anthropic_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            anthropic_event(
                "content_block_start", {"type": "content_block_start", "index": 1, "content_block": text}
            ),
            anthropic_event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hi"}},
            ),
            anthropic_event("content_block_stop", {"type": "content_block_stop", "index": 1}),
            anthropic_event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": 3},
                },
            ),
            anthropic_event("message_stop", {"type": "message_stop"}),
        ]
    )
    fake_api.queue_raw("anthropic", body)
    provider = make_provider("anthropic", model="claude-sonnet-4-6")
    await collect(provider)
    fake_api.queue_anthropic_text("again")
    await collect(provider, "more")
    sent = fake_api.last_request("/v1/messages").body["messages"][1]["content"]
    assert sent == [{"type": "redacted_thinking", "data": "ENCRYPTED=="}, {"type": "text", "text": "Hi"}]


async def test_long_answer_is_assembled_exactly(fake_api: FakeAPI, make_provider: Any) -> None:
    tokens = [f"tok{i} " for i in range(5000)]
    for kind in ("anthropic", "openai"):
        fake_api.stream_text(kind, tokens)
        provider = make_provider(kind)
        events = await collect(provider)
        assert texts(events) == "".join(tokens)
        assert 1 <= len(of_type(events, "text")) < 5000  # joined per network read, none lost
        assert provider.transcript.messages[-1].text == "".join(tokens)
