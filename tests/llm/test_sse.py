"""Server-sent events decoded from a response body however the network cut it (``llm._sse``)."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from fakeapi import WIRE_DIR

from flux_tui.llm._sse import (
    ServerSentEvent,
    StreamErrorEvent,
    anthropic_events,
    openai_chunks,
    server_sent_event_runs,
)


async def _chunks(pieces: Iterable[bytes]) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


async def _decode(pieces: Iterable[bytes]) -> list[ServerSentEvent]:
    return [event async for run in server_sent_event_runs(_chunks(pieces)) for event in run]


def _cut(body: bytes, sizes: Iterable[int]) -> list[bytes]:
    out, at = [], 0
    for size in sizes:
        if at >= len(body):
            break
        out.append(body[at : at + size])
        at += size
    if at < len(body):
        out.append(body[at:])
    return out


async def test_fields_comments_and_multi_line_data() -> None:
    body = (
        b": a comment\n"
        b"event: first\ndata: one\n\n"
        b"data:two\ndata:  three\n\n"  # no space after the colon; only one space is dropped
        b"event: empty\n\n"  # no data: not an event
        b"id: 7\nretry: 10\nunknown: x\ndata\n\n"  # a field with no colon has the empty value
    )
    assert await _decode([body]) == [
        ServerSentEvent("first", "one"),
        ServerSentEvent(None, "two\n three"),
        ServerSentEvent(None, ""),
    ]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
async def test_every_line_ending_even_cut_between_cr_and_lf(newline: bytes) -> None:
    body = newline.join([b"event: a", b"data: 1", b"", b"data: 2", b"", b""])
    whole = await _decode([body])
    assert whole == [ServerSentEvent("a", "1"), ServerSentEvent(None, "2")]
    for at in range(1, len(body)):
        assert await _decode([body[:at], body[at:]]) == whole, at
    assert await _decode([bytes([b]) for b in body]) == whole


async def test_an_event_without_its_blank_line_is_not_delivered() -> None:
    assert await _decode([b"data: 1\n\ndata: 2\n"]) == [ServerSentEvent(None, "1")]
    assert await _decode([b"data: 1\r\r"]) == [ServerSentEvent(None, "1")]
    # A lone CR ends a line even when the body then ends in a line without a line end.
    assert await _decode([b"data: 1\n", b"\r", b"data: 2"]) == [ServerSentEvent(None, "1")]


async def test_multi_byte_characters_cut_across_chunks() -> None:
    text = "héllo wörld · 日本語 🎉"
    body = f"data: {text}\n\n".encode()
    for at in range(1, len(body)):
        assert await _decode([body[:at], body[at:]]) == [ServerSentEvent(None, text)]


@pytest.mark.parametrize("name", sorted(p.name for p in WIRE_DIR.glob("*.sse")))
async def test_real_captures_decode_alike_in_random_chunks(name: str) -> None:
    body = (WIRE_DIR / name).read_bytes()
    whole = await _decode([body])
    assert whole and all(event.data for event in whole)
    for data in (event.data for event in whole if event.data != "[DONE]"):
        json.loads(data)  # every data line is one JSON document
    rng = random.Random(name)
    for _ in range(5):
        pieces = _cut(body, (rng.randint(1, 23) for _ in range(len(body))))
        assert await _decode(pieces) == whole


async def test_anthropic_events_skip_pings_and_raise_error_events() -> None:
    body = (
        b'event: message_start\ndata: {"type": "message_start"}\n\n'
        b'event: ping\ndata: {"type": "ping"}\n\n'
        b'data: {"type": "unnamed"}\n\n'
        b'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error"}}\n\n'
        b'event: message_stop\ndata: {"type": "message_stop"}\n\n'
    )
    seen: list[dict[str, Any]] = []
    with pytest.raises(StreamErrorEvent) as info:
        async for run in anthropic_events(_chunks([body])):
            seen.extend(run)
    assert seen == [{"type": "message_start"}]
    assert info.value.body["error"]["type"] == "overloaded_error"


async def test_openai_chunks_stop_at_done_and_raise_error_chunks() -> None:
    done = b'data: {"choices": []}\n\ndata: [DONE]\n\ndata: {"after": "done"}\n\n'
    assert [c async for run in openai_chunks(_chunks([done])) for c in run] == [{"choices": []}]
    failed = b'data: {"choices": []}\n\ndata: {"error": {"message": "boom", "type": "server_error"}}\n\n'
    with pytest.raises(StreamErrorEvent) as info:
        async for _ in openai_chunks(_chunks([failed])):
            pass
    assert info.value.message == "boom"
    assert info.value.body == {"message": "boom", "type": "server_error"}
