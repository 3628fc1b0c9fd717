"""A request's history built from each segment's wire messages, each built once.

A finished turn's wire messages do not change from one request to the next, and a long session's
history is hundreds of turns: building all of them for every request would be most of our work
before the request is sent. So each segment (``core.turn_split``: a turn, or turns tied by
tool calls; the same object while its messages are the same) is converted on its own by its wire
module (``_history.prepare`` and the module's ``convert_turns``), and the request joins the segments'
messages; what depends on the whole request (the first and last message, cache breakpoints: the wire
module's ``finish_messages`` or ``finish_contents``) runs on the joined list and copies what it
changes.

Joining gives exactly what converting the whole history at once gives when nothing crosses a boundary
between two segments, which is checked on every request: the earlier one leaves no tool call open,
the two do not meet in turns or messages of the same role (which would be merged), and none of the
wire ids tried for the later one's calls is held by an earlier one (the whole history's ids are made
unique). When a
boundary is crossed, the history is converted whole, as without this cache. The cache is keyed by the
wire module, model and id length, and keeps only the segments of the last request.

Each segment's wire messages are encoded as JSON once too (``encoded``: the body joins them,
``_json_body.dumps_with``), since they never change once built.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from flux_tui.core.turn_split import Segment
from flux_tui.llm._history import prepare
from flux_tui.llm._json_body import encode_each


@dataclass(slots=True)
class Chunk:
    """One segment's wire messages, converted on its own, and what joining it depends on."""

    messages: list[dict[str, Any]]
    first_turn: str | None  # roles of its first and last ``WireTurn`` (None: it has none)
    last_turn: str | None
    open_calls: bool
    ids: frozenset[str]
    probed: frozenset[str]
    encoded: list[bytes] | None  # each message's JSON (None: one is not JSON)


def convert(segment: Segment, wire: ModuleType, model: str) -> Chunk:
    prepared = prepare(segment.messages, max_id_len=wire.MAX_ID_LEN)
    turns = prepared.turns
    messages = wire.convert_turns(turns, model)
    return Chunk(
        messages=messages,
        first_turn=turns[0].role if turns else None,
        last_turn=turns[-1].role if turns else None,
        open_calls=prepared.open_calls,
        ids=prepared.ids,
        probed=prepared.probed,
        encoded=encode_each(messages),
    )


class WireCache:
    """``converted(segments, wire, model)``: the segments' wire messages joined, or None; ``encoded``:
    the JSON of the kept segments' messages (``_json_body.Encoded``), indexed as segments come and go."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] = ()
        self._chunks: dict[Segment, Chunk] = {}
        self.encoded: dict[int, tuple[Any, bytes]] = {}

    def converted(self, segments: list[Segment], wire: ModuleType, model: str) -> list[dict[str, Any]] | None:
        """The ``convert_turns`` of the segments' messages, built from each segment's; None when a
        boundary is crossed (the caller converts the messages whole)."""
        key = (wire.__name__, model, wire.MAX_ID_LEN)
        if key != self._key:
            self._chunks, self.encoded = {}, {}
        known = self._chunks
        chunks: dict[Segment, Chunk] = {}
        joined: list[dict[str, Any]] = []
        used: set[str] = set()
        last_turn: str | None = None
        last_role: str | None = None
        open_calls = False
        for segment in segments:
            chunk = known.get(segment)
            if chunk is None:
                chunk = convert(segment, wire, model)
                self._index(chunk)
            chunks[segment] = chunk
            if chunk.first_turn is None and not open_calls:
                continue  # nothing of it is sent, and it leaves nothing for the next to answer
            if (
                open_calls
                or chunk.first_turn == last_turn
                or (chunk.messages and chunk.messages[0]["role"] == last_role)
                or not chunk.probed.isdisjoint(used)
            ):
                joined_ok = False
                break
            joined.extend(chunk.messages)
            used |= chunk.ids
            last_turn, open_calls = chunk.last_turn, chunk.open_calls
            if chunk.messages:
                last_role = chunk.messages[-1]["role"]
        else:
            joined_ok = True
        for gone in known.keys() - chunks.keys():
            for message in known[gone].messages:
                self.encoded.pop(id(message), None)
        self._key, self._chunks = key, chunks
        return joined if joined_ok else None

    def _index(self, chunk: Chunk) -> None:
        if chunk.encoded is not None:
            pairs = zip(chunk.messages, chunk.encoded, strict=True)
            self.encoded.update(zip(map(id, chunk.messages), pairs, strict=True))
