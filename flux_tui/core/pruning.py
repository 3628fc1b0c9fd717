"""Keep each request inside the model's context window, minus the room kept for the reply.

The oldest turns are dropped whole: a turn is a prompt plus everything that answered it, so a tool call
never loses its result. The system prompt, the tool schemas, the current file context and the current
(last) turn are never dropped. ``prune`` is pure: it returns the messages to send and what it left out;
the transcript itself is untouched (the user still sees and saves the whole conversation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flux_tui.core import tokens
from flux_tui.core.transcript import Message, Transcript
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


def _segments(transcript: Transcript) -> tuple[list[list[Message]], list[int]]:
    """``Transcript.turns()``, merged where a turn answers tool calls of an earlier one.

    ``turns()`` starts a turn at any user message with text; a hand-built or imported history could put
    text next to tool results, so a result must never be separated from its call by a turn boundary.
    """
    segments: list[list[Message]] = []
    turn_counts: list[int] = []  # how many turns() each segment holds
    calls_in: dict[str, int] = {}  # tool call id -> index of the segment that made it
    for turn in transcript.turns():
        answered = {r.tool_use_id for m in turn for r in m.tool_results}
        earlier = [calls_in[i] for i in answered if i in calls_in]
        if earlier:
            start = min(earlier)
            merged = [m for segment in segments[start:] for m in segment] + list(turn)
            merged_count = sum(turn_counts[start:]) + 1
            del segments[start:], turn_counts[start:]
            segments.append(merged)
            turn_counts.append(merged_count)
        else:
            segments.append(list(turn))
            turn_counts.append(1)
        index = len(segments) - 1
        for message in segments[index]:
            for call in message.tool_calls:
                calls_in[call.id] = index
    return segments, turn_counts


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
) -> PruneResult:
    """Messages of ``transcript`` that fit ``context_window - reserve_for_reply`` with the fixed parts.

    ``count_message`` defaults to ``tokens.count_message`` (exact once the encoding is loaded).
    ``wait=False``: while the encoding is not loaded (``tokens``: the app never waits for it), the fixed
    parts are estimated too, and the request is kept within ``ESTIMATED_SHARE`` of the room.
    ``scale``: how many of the provider's tokens one counted token turned out to be (``token_scale``);
    the room is divided by it.
    """
    count = count_message or tokens.count_message
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
    counts = list(map(count, transcript.messages))
    total = sum(counts)
    if total <= budget:
        # Nothing to drop: the turns need not be found (a pass over every block of the history, most
        # of pruning's cost in a long session that fits).
        return PruneResult(list(transcript.messages), 0, 0, None, fixed + total)
    segments, turn_counts = _segments(transcript)
    costs = []  # segments are consecutive runs of the messages, in order
    start = 0
    for segment in segments:
        costs.append(sum(counts[start : start + len(segment)]))
        start += len(segment)

    dropped_segments = 0
    dropped_tokens = 0
    while total > budget and dropped_segments < len(segments) - 1:
        total -= costs[dropped_segments]
        dropped_tokens += costs[dropped_segments]
        dropped_segments += 1

    dropped = sum(turn_counts[:dropped_segments])
    kept = [m for segment in segments[dropped_segments:] for m in segment]
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
    )
