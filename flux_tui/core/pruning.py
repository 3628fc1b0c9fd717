"""Keep each request inside the model's context window, minus the room kept for the reply.

The oldest turns are dropped whole: a turn is a prompt plus everything that answered it, so a tool call
never loses its result. The system prompt, the tool schemas, the current file context and the current
(last) turn are never dropped. ``prune`` is pure: it returns the messages to send and what it left out;
the transcript itself is untouched (the user still sees and saves the whole conversation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from flux_tui.core import tokens
from flux_tui.core.transcript import Message, Transcript
from flux_tui.core.turn_split import Segment, TurnSplit, segments_of
from flux_tui.core.wording import counted

MessageCounter = Callable[[Message], int]

# Share of the room for the request (the window minus the reply's) that a request counted with the
# character estimate may fill (``tokens``, when the encoding is not loaded): the estimate is within a few
# percent of cl100k on English and code, but 9 % under it on JSON and more on some languages.
ESTIMATED_SHARE = 0.85


@dataclass(frozen=True, slots=True)
class PruneResult:
    messages: list[Message]
    dropped_turns: int
    dropped_tokens: int
    note: str | None  # for the user, when something was dropped or the request still does not fit
    prompt_tokens: int = 0  # estimate of the whole request: fixed parts plus kept messages
    fits: bool = True
    segments: list[Segment] | None = None  # the kept messages' segments, when pruned with a ``split``


def _segments(transcript: Transcript) -> list[Segment]:
    """The transcript's segments, split from scratch (``turn_split``)."""
    return segments_of(transcript.messages)


def _cost(segment: Segment, wait: bool) -> int:
    """The segment's tokens by ``tokens.count_message``, counted once per counting mode."""
    cost = segment.costs.get(wait)
    if cost is None:
        cost = segment.costs[wait] = sum(tokens.count_message(m, wait=wait) for m in segment.messages)
    return cost


def prune(
    transcript: Transcript,
    *,
    context_window: int,
    reserve_for_reply: int,
    system_prompt: str = "",
    tools: Iterable[Mapping[str, Any]] | None = None,
    file_context_text: str | None = None,
    count_message: MessageCounter | None = None,
    wait: bool = True,
    scale: float = 1.0,
    split: TurnSplit | None = None,
) -> PruneResult:
    """Messages of ``transcript`` that fit ``context_window - reserve_for_reply`` with the fixed parts.

    ``count_message`` defaults to ``tokens.count_message`` with the same ``wait``.
    ``wait=False``: while the encoding is not loaded (``tokens``: the app never waits for it), the fixed
    parts are estimated too, and the request is kept within ``ESTIMATED_SHARE`` of the room.
    ``scale``: how many of the provider's tokens one counted token turned out to be (``token_scale``);
    the room is divided by it.
    ``split``: the split kept between requests (``turn_split``); the segments come from it, their
    default counts kept on them, and the result names the segments kept.
    """
    fixed = (
        tokens.count_tokens(system_prompt, wait=wait)
        + tokens.count_tokens(file_context_text or "", wait=wait)
        + tokens.count_tools(list(tools or ()), wait=wait)
        + tokens.REPLY_PRIMING
    )
    available = context_window - reserve_for_reply
    if not tokens.is_exact():
        available = int(available * ESTIMATED_SHARE)
    available = int(available / max(scale, 1.0))
    budget = available - fixed
    if split is not None:
        segments = split.segments(transcript.messages)
        if count_message is None:
            costs = [_cost(segment, wait) for segment in segments]
        else:
            costs = [sum(map(count_message, segment.messages)) for segment in segments]
        total = sum(costs)
    else:
        count = count_message or partial(tokens.count_message, wait=wait)
        counts = list(map(count, transcript.messages))
        total = sum(counts)
        if total <= budget:
            # Nothing to drop: the turns need not be found (a pass over every block of the history,
            # most of pruning's cost in a long session that fits).
            return PruneResult(list(transcript.messages), 0, 0, None, fixed + total)
        segments = _segments(transcript)
        costs = []  # segments are consecutive runs of the messages, in order
        start = 0
        for segment in segments:
            costs.append(sum(counts[start : start + len(segment.messages)]))
            start += len(segment.messages)

    dropped_segments = 0
    dropped_tokens = 0
    while total > budget and dropped_segments < len(segments) - 1:
        total -= costs[dropped_segments]
        dropped_tokens += costs[dropped_segments]
        dropped_segments += 1

    dropped = sum(segment.turns for segment in segments[:dropped_segments])
    kept_segments = segments[dropped_segments:]
    # Segments are the messages in order (``turn_split``): the kept ones are the messages' end.
    kept = transcript.messages[sum(len(segment.messages) for segment in segments[:dropped_segments]) :]
    fits = total <= budget
    note = None
    if dropped:
        note = (
            f"Left out {counted(dropped, 'earlier turn')} (~{dropped_tokens:,} tokens) to fit the "
            f"{context_window:,}-token context window."
        )
    if not fits:
        room = max(budget, 0)
        note = (note + " " if note else "") + (
            f"The current turn alone (~{total:,} tokens) is larger than the ~{room:,} tokens available; "
            "the provider may reject the request."
        )
    return PruneResult(
        messages=kept,
        dropped_turns=dropped,
        dropped_tokens=dropped_tokens,
        note=note,
        prompt_tokens=fixed + total,
        fits=fits,
        segments=kept_segments if split is not None else None,
    )
