"""A network read's text and thinking deltas reach the agent as one event per run of one kind, in the
order sent, and the reply (the transcript) holds the same text (``StreamingProvider._events``)."""

from __future__ import annotations

from typing import Any

from fakeapi import FakeAPI
from fakeapi_sse import anthropic_event, openai_data
from llm_support import collect

from flux_tui.core.transcript import ThinkingBlock


def _delta(kind: str, text: str, index: int) -> bytes:
    key = "text" if kind == "text_delta" else "thinking"
    return anthropic_event(
        "content_block_delta",
        {"type": "content_block_delta", "index": index, "delta": {"type": kind, key: text}},
    )


def _block(index: int, block: dict[str, Any]) -> list[bytes]:
    return [
        anthropic_event(
            "content_block_start", {"type": "content_block_start", "index": index, "content_block": block}
        ),
    ]


async def test_anthropic_runs_of_one_kind_are_joined_in_order(fake_api: FakeAPI, make_provider: Any) -> None:
    start = {
        "type": "message_start",
        "message": {"model": "m", "usage": {"input_tokens": 5, "output_tokens": 0}},
    }
    body = b"".join(
        [
            anthropic_event("message_start", start),
            *_block(0, {"type": "thinking", "thinking": ""}),
            _delta("thinking_delta", "a", 0),
            _delta("thinking_delta", "b", 0),
            anthropic_event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "signature_delta", "signature": "s"},
                },
            ),
            anthropic_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            *_block(1, {"type": "text", "text": ""}),
            _delta("text_delta", "c", 1),
            _delta("text_delta", "", 1),  # an empty delta adds nothing
            _delta("text_delta", "d", 1),
            anthropic_event("ping", {"type": "ping"}),
            _delta("text_delta", "e", 1),
            anthropic_event("content_block_stop", {"type": "content_block_stop", "index": 1}),
            anthropic_event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": 9},
                },
            ),
            anthropic_event("message_stop", {"type": "message_stop"}),
        ]
    )
    fake_api.queue_raw("anthropic", body)
    provider = make_provider("anthropic")
    events = await collect(provider)
    deltas = [(e["type"], e["content"]) for e in events if e["type"] in ("text", "thinking")]
    assert deltas == [("thinking", "ab"), ("text", "cde")]
    message = provider.transcript.messages[-1]
    thinking = [block for block in message.blocks if isinstance(block, ThinkingBlock)]
    assert [(block.text, block.signature) for block in thinking] == [("ab", "s")]
    assert message.text == "cde"


def _chunk(delta: dict[str, Any], finish: str | None = None, model: str = "served-model") -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return openai_data({"id": "c", "object": "chat.completion.chunk", "model": model, "choices": [choice]})


async def test_openai_text_chunks_are_joined_and_the_rest_fed_whole(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    body = b"".join(
        [
            _chunk({"role": "assistant", "content": ""}),
            _chunk({"content": "one "}),
            _chunk({"content": "two "}),
            _chunk({"reasoning_content": "hmm"}),  # a compatible server's reasoning: fed on its own
            _chunk({"content": "three"}, model="later-model"),
            _chunk({}, finish="stop"),
            b"data: [DONE]\n\n",
        ]
    )
    fake_api.queue_raw("openai", body)
    provider = make_provider("openai")
    events = await collect(provider)
    deltas = [(e["type"], e["content"]) for e in events if e["type"] in ("text", "thinking")]
    assert deltas == [("text", "one two "), ("thinking", "hmm"), ("text", "three")]
    assert provider.transcript.messages[-1].text == "one two three"
