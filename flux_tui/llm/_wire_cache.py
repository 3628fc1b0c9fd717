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

from collections.abc import Iterable
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


def _shared_prefix(old: list[Segment], new: list[Segment], limit: int) -> int:
    """How many segments ``old`` and ``new`` begin with in common (the same objects), at most ``limit``.

    Found by bisection with slices compared in C: a segment compares by identity, and a Python loop over
    a long session's hundreds of segments would be most of what resuming saves."""
    low, high = 0, min(limit, len(old), len(new))
    if old[:high] == new[:high]:
        return high
    while low < high - 1:  # old[:low] == new[:low], old[:high] != new[:high]
        middle = (low + high) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle
    return low


@dataclass(slots=True)
class _Join:
    """The last request's join, kept so the next one resumes it after the segments both share."""

    segments: list[Segment]
    # After each segment taken in order: (how many messages were joined, last turn's role, last
    # message's role, calls left open); a segment whose boundary was crossed has none.
    states: list[tuple[int, str | None, str | None, bool]]
    messages: list[dict[str, Any]]
    used: set[str]  # the wire ids of the joined segments' calls (disjoint between segments)


class WireCache:
    """``converted(segments, wire, model)``: the segments' wire messages joined, or None; ``encoded``:
    the JSON of the kept segments' messages (``_json_body.Encoded``), indexed as segments come and go.

    A request's segments begin with the last request's, but for its last turn: the join is resumed
    after the segments both share, so a request walks only its new segments, not the whole history
    (each boundary was checked when it was first joined, and nothing before it has changed)."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] = ()
        self._chunks: dict[Segment, Chunk] = {}
        self._join: _Join | None = None
        self.encoded: dict[int, tuple[Any, bytes]] = {}

    def converted(self, segments: list[Segment], wire: ModuleType, model: str) -> list[dict[str, Any]] | None:
        """The ``convert_turns`` of the segments' messages, built from each segment's; None when a
        boundary is crossed (the caller converts the messages whole)."""
        key = (wire.__name__, model, wire.MAX_ID_LEN)
        if key != self._key:
            self._chunks, self.encoded, self._join = {}, {}, None
        known = self._chunks
        join = self._resumed(segments)
        joined, used, states = join.messages, join.used, join.states
        _, last_turn, last_role, open_calls = states[-1] if states else (0, None, None, False)
        joined_ok = True
        for segment in segments[len(states) :]:
            chunk = known.get(segment)
            if chunk is None:
                chunk = known[segment] = convert(segment, wire, model)
                self._index(chunk)
            if chunk.first_turn is not None or open_calls:
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
            # else: nothing of it is sent, and it leaves nothing for the next to answer
            states.append((len(joined), last_turn, last_role, open_calls))
        self._forget(known.keys() - segments)
        self._key, self._join = key, join
        return list(joined) if joined_ok else None

    def _resumed(self, segments: list[Segment]) -> _Join:
        """The last join cut back to the segments it shares with ``segments`` (a new one if none)."""
        last = self._join
        if last is None:
            return _Join(list(segments), [], [], set())
        shared = _shared_prefix(last.segments, segments, len(last.states))
        if shared == 0:
            return _Join(list(segments), [], [], set())
        for segment in last.segments[shared : len(last.states)]:
            last.used -= self._chunks[segment].ids
        del last.states[shared:]
        del last.messages[last.states[-1][0] :]
        last.segments = list(segments)
        return last

    def _forget(self, gone: Iterable[Segment]) -> None:
        for segment in gone:
            for message in self._chunks.pop(segment).messages:
                self.encoded.pop(id(message), None)

    def _index(self, chunk: Chunk) -> None:
        if chunk.encoded is not None:
            pairs = zip(chunk.messages, chunk.encoded, strict=True)
            self.encoded.update(zip(map(id, chunk.messages), pairs, strict=True))
