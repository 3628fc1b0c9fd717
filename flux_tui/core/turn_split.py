"""The transcript split into the units pruning drops whole, kept from one request to the next.

A segment is a turn (``Transcript.turns()``: a prompt and everything that answered it), merged with the
earlier ones when it answers tool calls of an earlier turn, so a result is never separated from its
call. Every request needs the split (pruning drops the oldest segments, the wire modules build each
segment's messages once: ``llm._wire_cache``), and a long session's history is hundreds of turns, so
``TurnSplit`` keeps the segments of the finished turns between requests and splits only the last turn
again. A finished segment stays the same object while its messages do; that identity is what the
per-segment caches are keyed on.

What is kept is checked against the messages on every request, cheaply (no Python call per message):
each message by identity, its role, provider and model, and its blocks by identity (a transcript's
blocks are not changed in place once added: ``Transcript``). Any difference before the last turn
(an edit, a fork, a retry that took messages back, another transcript) splits the history again from
scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from flux_tui.core.transcript import Message, split_turns, starts_turn

_HEADER = attrgetter("role", "provider", "model")
_BLOCKS = attrgetter("blocks")


@dataclass(eq=False, slots=True)
class Segment:
    """Consecutive messages that are kept or left out together; compared by identity."""

    messages: list[Message]
    turns: int  # how many of ``Transcript.turns()`` it holds
    # Token counts of the whole segment, by counting mode (``pruning``: exact or estimated).
    costs: dict[bool, int] = field(default_factory=dict)


class _Fold:
    """Segments of the turns added so far, and which segment made each tool call."""

    __slots__ = ("calls_in", "segments")

    def __init__(self, segments: list[Segment] | None = None, calls_in: dict[str, int] | None = None) -> None:
        self.segments: list[Segment] = segments or []
        self.calls_in: dict[str, int] = calls_in or {}

    def copy(self) -> _Fold:
        return _Fold(list(self.segments), dict(self.calls_in))

    def add(self, turn: list[Message]) -> None:
        segments = self.segments
        answered = {r.tool_use_id for m in turn for r in m.tool_results}
        earlier = [self.calls_in[i] for i in answered if i in self.calls_in]
        if earlier:
            start = min(earlier)
            merged = [m for segment in segments[start:] for m in segment.messages] + list(turn)
            count = sum(segment.turns for segment in segments[start:]) + 1
            del segments[start:]
            segments.append(Segment(merged, count))
        else:
            segments.append(Segment(list(turn), 1))
        index = len(segments) - 1
        for message in segments[index].messages:
            for call in message.tool_calls:
                self.calls_in[call.id] = index


def _fingerprints(messages: list[Message]) -> list[Any]:
    """What a message's place in the split and its wire form depend on, built without a Python call
    per message (``zip``, ``map`` and ``attrgetter`` run in C)."""
    return list(zip(messages, map(_HEADER, messages), map(tuple, map(_BLOCKS, messages)), strict=True))


def segments_of(messages: list[Message]) -> list[Segment]:
    """The segments of ``messages``, split from scratch."""
    fold = _Fold()
    for turn in split_turns(messages):
        fold.add(turn)
    return fold.segments


class TurnSplit:
    """``segments(messages)``: the segments of ``messages``, the finished turns' kept between calls."""

    def __init__(self) -> None:
        self._seen: list[Any] = []  # fingerprints of the messages last split
        self._stable = 0  # messages before the last turn: their segments are in ``_fold``
        self._fold = _Fold()

    def segments(self, messages: list[Message]) -> list[Segment]:
        seen = _fingerprints(messages)
        stable = self._stable
        kept = seen[:stable] == self._seen[:stable] and (
            len(seen) == stable or (len(seen) > stable and starts_turn(messages[stable]))
        )
        if not kept:  # something before the last turn changed, or the last turn no longer starts a turn
            self._fold, stable = _Fold(), 0
        turns = split_turns(messages[stable:])
        for turn in turns[:-1]:
            self._fold.add(turn)
            stable += len(turn)
        self._seen, self._stable = seen, stable
        result = self._fold.copy()
        if turns:
            result.add(turns[-1])
        return result.segments
