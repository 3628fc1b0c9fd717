"""The transcript split into the units pruning drops whole, kept from one request to the next.

A segment is a turn (``Transcript.turns()``: a prompt and everything that answered it), merged with the
earlier ones when it answers tool calls of an earlier turn, so a result is never separated from its
call. Every request needs the split (pruning drops the oldest segments, the wire modules build each
segment's messages once: ``llm._wire_cache``), and a long session's history is hundreds of turns, so
``TurnSplit`` keeps the segments of the finished turns between requests and splits only the last turn
again. A finished segment stays the same object while its messages do; that identity is what the
per-segment caches are keyed on.

What is kept is checked against the messages on every request, cheaply (``_Seen``): each message, its
role and its blocks, by identity (or equality: an equal message is sent the same way; a transcript's
blocks are not changed in place once added: ``Transcript``). Any difference before the last turn (an
edit, a fork, a retry that takes messages back, another transcript) splits the history again from
scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from flux_tui.core.transcript import Message, split_turns, starts_turn

_ROLE = attrgetter("role")
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


class _Seen:
    """The messages of the finished turns as they were split: each message, its role and a copy of its
    list of blocks (what the split and the wire messages depend on; a message's own provider and model
    are not sent). Compared field by field over the whole list (``map`` and
    list comparison run in C, and build no object per message); an element is the same when it is the
    same object or an equal one."""

    __slots__ = ("blocks", "messages", "roles")

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.roles: list[str] = []
        self.blocks: list[list[Any]] = []

    def extend(self, messages: list[Message]) -> None:
        self.messages += messages
        self.roles += map(_ROLE, messages)
        self.blocks += map(list, map(_BLOCKS, messages))

    def same(self, messages: list[Message]) -> bool:
        """Whether ``messages`` begins with the messages seen, unchanged."""
        head = messages[: len(self.messages)]
        return (
            head == self.messages
            and list(map(_BLOCKS, head)) == self.blocks
            and list(map(_ROLE, head)) == self.roles
        )


def segments_of(messages: list[Message]) -> list[Segment]:
    """The segments of ``messages``, split from scratch."""
    fold = _Fold()
    for turn in split_turns(messages):
        fold.add(turn)
    return fold.segments


class TurnSplit:
    """``segments(messages)``: the segments of ``messages``, the finished turns' kept between calls."""

    def __init__(self) -> None:
        self._seen = _Seen()  # the messages of the finished turns, whose segments are in ``_fold``
        self._fold = _Fold()

    def segments(self, messages: list[Message]) -> list[Segment]:
        stable = len(self._seen.messages)
        kept = self._seen.same(messages) and (
            len(messages) == stable or (len(messages) > stable and starts_turn(messages[stable]))
        )
        if not kept:  # something before the last turn changed, or the last turn no longer starts a turn
            self._seen, self._fold, stable = _Seen(), _Fold(), 0
        turns = split_turns(messages[stable:])
        for turn in turns[:-1]:
            self._fold.add(turn)
            self._seen.extend(turn)
        result = self._fold.copy()
        if turns:
            result.add(turns[-1])
        return result.segments
