"""A streamed reply's body read as server-sent events, each event's data as the JSON the server sent.

The SDK still sends the request, raises its errors for a failed status and owns the connection; only
the body of a successful stream is read here. The SDKs' own streams build a pydantic model for every
event, which measured 11 of the 17 microseconds an event cost end to end: at one token per event, a
fast stream spent most of its time in validation. The wire readers (``_anthropic_wire``,
``_openai_wire``) read the plain dicts instead.

Decoding follows the event-stream format (https://html.spec.whatwg.org/#event-stream-interpretation):
lines end with CRLF, LF or CR, which may fall across network chunks, as may a multi-byte character;
``field: value`` lines (one optional space after the colon), ``:`` comment lines, several ``data``
lines joined by newlines, and an event is dispatched by the blank line after it (as the SDKs do, an
event the body ends without dispatching is not delivered).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any, NamedTuple

import orjson

# A decoder of a streamed body (``anthropic_events``, ``openai_chunks``): its bytes in, JSON events out,
# in runs (the events of one network read).
EventDecoder = Callable[[AsyncIterator[bytes]], AsyncIterator[list[dict[str, Any]]]]


class ServerSentEvent(NamedTuple):
    event: str | None
    data: str


class StreamErrorEvent(Exception):
    """The server reported an error inside a stream that began with status 200."""

    def __init__(self, body: Any, message: str) -> None:
        super().__init__(message)
        self.body = body
        self.message = message


async def _complete_text(chunks: AsyncIterator[bytes]) -> AsyncIterator[str]:
    """The body's complete lines, in runs as the network delivers them, each run decoded at once and
    its line ends made LF. An unfinished line waits for the rest; so does a CR at the end of what has
    arrived, which may be half of a CRLF until the body ends. A last line the body ends without a line
    end is dropped.

    One ``decode`` per network read, not per line: line ends are ASCII, so a multi-byte character never
    spans two lines and the text is the same."""
    pending = b""
    async for chunk in chunks:
        pending += chunk
        if b"\n" not in chunk and b"\r" not in chunk:
            continue  # the middle of a long line: split once it ends
        end = max(pending.rfind(b"\n"), pending.rfind(b"\r", 0, len(pending) - 1)) + 1
        if end:
            yield _text(pending[:end])
            pending = pending[end:]
    end = max(pending.rfind(b"\n"), pending.rfind(b"\r")) + 1
    if end:
        yield _text(pending[:end])


_LINE_END = re.compile(r"\r\n|\r|\n")


def _text(run: bytes) -> str:
    text = run.decode("utf-8", errors="replace")
    return text if "\r" not in text else _LINE_END.sub("\n", text)


# An event in its usual shape: an optional ``event`` line, one ``data`` line and the blank line after
# them. Such events are matched whole, a C call each; anything else is read line by line.
_PLAIN_EVENT = re.compile(r"(?:event: ?([^\n]*)\n)?data: ?([^\n]*)\n\n")


class _EventParser:
    """The event-stream rules over runs of complete lines; an event may span two runs."""

    def __init__(self) -> None:
        self.event: str | None = None
        self.data: list[str] = []

    def feed(self, text: str) -> list[ServerSentEvent]:
        """The events the blank lines of ``text`` (complete lines, each ending in LF) dispatch."""
        events: list[ServerSentEvent] = []
        match = _PLAIN_EVENT.match
        pos, size = 0, len(text)
        while pos < size:
            if self.event is None and not self.data:
                found = match(text, pos)
                if found is not None:
                    events.append(ServerSentEvent(found[1] or None, found[2]))
                    pos = found.end()
                    continue
            # Up to the end of the next blank line, where the rules below leave no event begun.
            if text.startswith("\n", pos):
                end = pos + 1
            else:
                blank = text.find("\n\n", pos)
                end = size if blank < 0 else blank + 2
            self._lines(text[pos : end - 1].split("\n"), events)
            pos = end
        return events

    def _lines(self, lines: list[str], events: list[ServerSentEvent]) -> None:
        event, data = self.event, self.data
        for line in lines:
            if not line:
                if data:
                    events.append(ServerSentEvent(event, "\n".join(data)))
                event, data = None, []
                continue
            name, colon, value = line.partition(":")
            if not name:
                continue  # a comment
            if colon and value.startswith(" "):
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value or None
        self.event, self.data = event, data


async def server_sent_event_runs(chunks: AsyncIterator[bytes]) -> AsyncIterator[list[ServerSentEvent]]:
    """The body's events, in lists of those one network read completed (never an empty list).

    A run, not an event, is what the async readers above pass along: each step of an async generator
    is a coroutine resumed by the event loop, and at one token per event the steps of three nested
    generators per event cost more than decoding the event.
    """
    parser = _EventParser()
    async for text in _complete_text(chunks):
        events = parser.feed(text)
        if events:
            yield events


def loads(data: str) -> Any:
    """An event's JSON, read by orjson (0.3 microseconds for a text delta; ``json.loads`` 1.2, most of
    it the Python around its C scanner); what orjson refuses and ``json`` reads (``NaN``, an escaped
    lone surrogate, a number beyond a float's range) by ``json``, which raises for what is not JSON.
    The one value orjson reads differently is an integer beyond 64 bits: a float (no event of the APIs
    carries one)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


async def anthropic_events(chunks: AsyncIterator[bytes]) -> AsyncIterator[list[dict[str, Any]]]:
    """Messages API events as the SDK reads them, in runs (``server_sent_event_runs``): pings and
    unnamed events skipped, an ``error`` event raised once the events before it were yielded."""
    async for run in server_sent_event_runs(chunks):
        events: list[dict[str, Any]] = []
        for sse in run:
            name = sse.event
            if name is None or name == "ping":
                continue
            if name == "error":
                if events:
                    yield events
                body = _json_or_text(sse.data)
                raise StreamErrorEvent(body, f"{body}")
            if sse.data:
                events.append(loads(sse.data))
        if events:
            yield events


async def openai_chunks(chunks: AsyncIterator[bytes]) -> AsyncIterator[list[dict[str, Any]]]:
    """Chat Completions chunks as the SDK reads them, in runs (``server_sent_event_runs``): up to
    ``[DONE]``; a chunk carrying ``error`` raised once the chunks before it were yielded."""
    runs = server_sent_event_runs(chunks)
    async for run in runs:
        events: list[dict[str, Any]] = []
        for sse in run:
            if sse.data.startswith("[DONE]"):
                if events:
                    yield events
                async for _ in runs:
                    pass  # the rest of the body read, so the connection can serve the next request
                return
            if not sse.data:
                continue
            data = loads(sse.data)
            error = data.get("error") if isinstance(data, dict) else None
            if error:
                if events:
                    yield events
                message = error.get("message") if isinstance(error, dict) else None
                if not isinstance(message, str) or not message:
                    message = "An error occurred during streaming"
                raise StreamErrorEvent(error, message)
            events.append(data)
        if events:
            yield events


def _json_or_text(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data


class JsonEventStream:
    """What ``StreamingProvider._open`` returns: the decoded events of one streamed response (an
    ``httpx2.Response`` whose body is not read yet) in runs, an async iterator and an async context
    manager that closes the response."""

    def __init__(self, response: Any, decode: EventDecoder) -> None:
        self._response = response
        self._events = decode(response.aiter_bytes())

    def __aiter__(self) -> AsyncIterator[list[dict[str, Any]]]:
        return self._events

    async def __aenter__(self) -> JsonEventStream:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self._events.aclose()  # type: ignore[attr-defined]
        await self._response.aclose()
