"""A network read's lines are decoded together (``_sse._complete_text``): the events are the ones each line
decoded on its own gives (events of the usual shape are matched whole, the rest read line by line),
whatever the bytes (invalid UTF-8 included), line ends and cuts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.llm._sse import ServerSentEvent, server_sent_event_runs


def line_by_line(body: bytes) -> list[ServerSentEvent]:
    """The event-stream rules applied to one line at a time, each line decoded alone."""
    events: list[ServerSentEvent] = []
    event: str | None = None
    data: list[str] = []
    lines = body.splitlines(keepends=True)
    if lines and not lines[-1].endswith((b"\n", b"\r")):
        lines.pop()  # not ended: never dispatched
    for raw in lines:
        line = raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
        if not line:
            if data:
                events.append(ServerSentEvent(event, "\n".join(data)))
            event, data = None, []
            continue
        name, colon, value = line.partition(":")
        if not name:
            continue
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value or None
    return events


async def decoded(pieces: Iterable[bytes]) -> list[ServerSentEvent]:
    async def chunks() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    return [event async for run in server_sent_event_runs(chunks()) for event in run]


FIELDS = st.sampled_from([b"data: ", b"data:", b"event: ", b"event:", b": ", b"id: ", b"", b"data"])
VALUES = st.binary(max_size=12).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")) | st.sampled_from(
    ["é".encode(), "日本".encode(), "🙂".encode(), b"\xff\xfe", b"\xe6\x97", b"{\"a\": 1}"]
)
ENDS = st.sampled_from([b"\n", b"\r\n", b"\r"])
LINES = st.lists(st.tuples(FIELDS, VALUES, ENDS, st.booleans()), max_size=16)


@settings(max_examples=300, deadline=None)
@given(LINES, st.lists(st.integers(min_value=1, max_value=9), max_size=40))
def test_runs_decode_as_single_lines_do(
    lines: list[tuple[bytes, bytes, bytes, bool]], cuts: list[int]
) -> None:
    body = b"".join(field + value + end + (end if blank else b"") for field, value, end, blank in lines)
    body += b"\n\n"  # the stream's end dispatches the last event
    expected = line_by_line(body)
    assert asyncio.run(decoded([body])) == expected  # one read: every line in one run
    pieces, at = [], 0
    for size in cuts:
        pieces.append(body[at : at + size])
        at += size
    pieces.append(body[at:])
    assert asyncio.run(decoded(pieces)) == expected
