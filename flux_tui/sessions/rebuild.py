"""Rebuild a transcript from stored events and make it consistent after a crash.

The agent announces every transcript message with ``MessageCommitted`` (a message announced again
with the same id replaces the earlier form). A turn that was still running when the process died
leaves streamed deltas without a committed answer and tool calls without results. Each unfinished
turn is closed where it stopped, deterministically (repairs get ids derived from the turn, so loading
twice, or resuming and loading again later, gives the same history):

- the flushed deltas become an ``incomplete`` assistant message;
- tool calls without results get the result their ``ToolCallFinished`` reported, else ``interrupted``;
- synthetic events say so (``MessageCommitted`` for the repairs, ``ToolCallFinished`` interrupted, a
  ``Notice`` and a ``TurnFailed`` of type ``SessionInterrupted``), so a replay shows the interruption.

A prompt that got no answer is not part of the rebuilt history (see ``unanswered``), nor is anything
before the last ``HistoryCleared``: the history starts empty there, as it did in the live session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    MessageCommitted,
    Notice,
    PromptUnanswered,
    ProviderSwitched,
    StepFinished,
    TextDelta,
    ThinkingDelta,
    ToolCallFinished,
    ToolCallProposed,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.transcript import Block, Message, ResultStatus, TextBlock, ThinkingBlock, Transcript
from flux_tui.core.wording import counted

from .unanswered import STOPPED_REASON, UnansweredPrompts

INTERRUPTED_ERROR_TYPE = "SessionInterrupted"
INTERRUPTED_ERROR = "flux-tui stopped (closed or crashed) before this turn finished."
INTERRUPTED_HINT = (
    "What was saved is kept; the unfinished answer is marked incomplete. Send a prompt to go on."
)
INTERRUPTED_NOTICE = "Session interrupted: the app stopped before this turn finished."
INTERRUPTED_TOOL_RESULT = "Not completed: flux-tui stopped before this tool call finished."

_RESULT_STATUS: dict[str, ResultStatus] = {
    "done": "ok",
    "failed": "error",
    "denied": "denied",
    "cancelled": "cancelled",
    "interrupted": "interrupted",
}
_TERMINAL = (TurnFinished, TurnFailed, TurnCancelled)


@dataclass(slots=True)
class Rebuilt:
    events: list[AgentEvent]
    transcript: Transcript
    repaired: bool


def rebuild(events: Sequence[AgentEvent]) -> Rebuilt:
    builder = _Builder()
    for index, event in enumerate(events):
        builder.feed(index, event)
    builder.finish(len(events))
    return Rebuilt(builder.out, builder.transcript, builder.repaired)


class _Builder:
    def __init__(self) -> None:
        self.out: list[AgentEvent] = []
        self.transcript = Transcript()
        self.repaired = False
        self._index_of: dict[str, int] = {}
        self._turn: TurnStarted | None = None
        self._provider = ""
        self._model = ""
        self._text: list[str] = []
        self._thinking: list[str] = []
        self._delta_ts: float | None = None
        self._proposed: set[str] = set()
        self._finished: dict[str, ToolCallFinished] = {}
        self._last_ts = 0.0
        self._unanswered = UnansweredPrompts(self.out, self.transcript, self._index_of)

    def feed(self, index: int, event: AgentEvent) -> None:
        if isinstance(event, TurnStarted):
            if self._turn is not None:
                self._close(index, crashed=True)
            self._unanswered.turn_started(event)
            self._turn = event
            self._provider, self._model = event.provider, event.model
            self._proposed.clear()
            self._finished.clear()
            self._reset_stream()
        elif isinstance(event, _TERMINAL):
            self._close(index, crashed=False)
            if not isinstance(event, TurnFinished):
                reason = event.error if isinstance(event, TurnFailed) else "cancelled"
                self._unanswered.turn_ended(reason, event.ts)
            self._turn = None
        elif isinstance(event, PromptUnanswered):
            self._unanswered.marked()
        elif isinstance(event, TextDelta | ThinkingDelta):
            self._unanswered.answer_streamed()
            (self._text if isinstance(event, TextDelta) else self._thinking).append(event.text)
            if self._delta_ts is None:
                self._delta_ts = event.ts
        elif isinstance(event, MessageCommitted):
            message = Message.from_dict(event.message)
            self._commit(message)
            self._unanswered.committed(message)
            if message.role == "assistant":
                self._reset_stream()
        elif isinstance(event, StepFinished):
            # Whatever the step committed is the truth; uncommitted text of a finished step was dropped
            # by the live session too.
            self._reset_stream()
        elif isinstance(event, ProviderSwitched):
            self._provider, self._model = event.provider, event.model
        elif isinstance(event, ToolCallProposed):
            self._proposed.add(event.call_id)
        elif isinstance(event, ToolCallFinished):
            self._finished[event.call_id] = event
        elif isinstance(event, HistoryCleared):
            self._clear(index)
        self.out.append(event)
        self._last_ts = max(self._last_ts, event.ts)

    def finish(self, index: int) -> None:
        if self._turn is not None:
            self._close(index, crashed=True)
        elif self.transcript.pending_tool_calls():
            self._close(index, crashed=False)
        self._unanswered.settle()

    def _clear(self, index: int) -> None:
        """What came before is closed as at the end of a session (a turn the app stopped in, a prompt
        nothing answered), then the history starts empty."""
        self.finish(index)
        self._turn = None
        self.transcript.messages.clear()
        self._index_of.clear()
        self._proposed.clear()
        self._finished.clear()

    # -- closing an unfinished turn ---------------------------------------------------------------

    def _close(self, index: int, *, crashed: bool) -> None:
        key = self._turn.turn_id if self._turn is not None else f"event{index}"
        ts = self._last_ts
        synthetic: list[AgentEvent] = []
        partial = self._partial_message(key, ts)
        if partial is not None:
            self._commit(partial)
            synthetic.append(MessageCommitted(ts=ts, message=partial.to_dict()))
        synthetic.extend(self._close_tool_calls(key, ts))
        if crashed:
            self._unanswered.turn_ended(STOPPED_REASON, ts)
            synthetic.append(Notice(ts=ts, text=INTERRUPTED_NOTICE, level="warning"))
            synthetic.append(
                TurnFailed(
                    ts=ts, error=INTERRUPTED_ERROR, error_type=INTERRUPTED_ERROR_TYPE, hint=INTERRUPTED_HINT
                )
            )
        if synthetic:
            self.repaired = True
            self.out.extend(synthetic)
        self._reset_stream()

    def _partial_message(self, key: str, ts: float) -> Message | None:
        thinking, text = "".join(self._thinking), "".join(self._text)
        if not thinking and not text:
            return None
        blocks: list[Block] = []
        if thinking:
            blocks.append(ThinkingBlock(thinking, provider=self._provider, model=self._model))
        if text:
            blocks.append(TextBlock(text))
        return Message(
            role="assistant",
            blocks=blocks,
            provider=self._provider or None,
            model=self._model or None,
            stop_reason=None,
            incomplete=True,
            id=self._free_id(f"{key}-partial"),
            created_at=self._delta_ts if self._delta_ts is not None else ts,
        )

    def _close_tool_calls(self, key: str, ts: float) -> list[AgentEvent]:
        pending = self.transcript.pending_tool_calls()
        if not pending:
            return []
        events: list[AgentEvent] = []
        count = len(self.transcript.messages)
        for call in pending:
            finished = self._finished.get(call.id)
            status = _RESULT_STATUS.get(finished.status) if finished is not None else None
            if finished is None or status is None:
                content, status = INTERRUPTED_TOOL_RESULT, "interrupted"
                if call.id in self._proposed:
                    events.append(
                        ToolCallFinished(ts=ts, call_id=call.id, status="interrupted", result=content)
                    )
            else:
                content = finished.result
            self.transcript.add_tool_result(call.id, content, is_error=status != "ok", status=status)
        results = self.transcript.messages[-1]
        if len(self.transcript.messages) > count:
            results.id = self._free_id(f"{key}-results")
            results.created_at = ts
            self._index_of[results.id] = len(self.transcript.messages) - 1
        events.append(MessageCommitted(ts=ts, message=results.to_dict()))
        return events

    # -- helpers ----------------------------------------------------------------------------------

    def _commit(self, message: Message) -> None:
        position = self._index_of.get(message.id)
        if position is not None:
            self.transcript.messages[position] = message
        else:
            self._index_of[message.id] = len(self.transcript.messages)
            self.transcript.messages.append(message)

    def _free_id(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self._index_of:
            n += 1
            candidate = f"{wanted}{n}"
        return candidate

    def _reset_stream(self) -> None:
        self._text.clear()
        self._thinking.clear()
        self._delta_ts = None


def prompt_starts(events: Sequence[AgentEvent]) -> list[tuple[str, int]]:
    """(user message id, index of the first event of its turn) for every prompt, in order.

    A prompt's turn starts at the ``TurnStarted`` that preceded its ``MessageCommitted`` (the agent
    commits the prompt once the provider has taken it), or at the message itself without one.
    """
    starts: list[tuple[str, int]] = []
    seen: set[str] = set()
    turn_start: int | None = None
    for index, event in enumerate(events):
        if isinstance(event, TurnStarted):
            turn_start = index
        elif isinstance(event, MessageCommitted) and event.message.get("role") == "user":
            message_id = str(event.message.get("id") or "")
            has_text = any(b.get("type") == "text" for b in event.message.get("blocks") or [])
            if has_text and message_id not in seen:
                seen.add(message_id)
                start = turn_start if turn_start is not None else index
                if starts and start <= starts[-1][1]:
                    start = index
                starts.append((message_id, start))
    return starts


def fork_point(
    events: Sequence[AgentEvent],
    *,
    message_id: str | None = None,
    turn: int | None = None,
    include: bool = True,
) -> int:
    """How many leading events a fork keeps: up to the end of the chosen prompt's turn (``include``;
    a clear that followed it is not part of it), or up to just before it. Choose the prompt by user
    message id or by turn index (negative counts from the end)."""
    starts = prompt_starts(events)
    if message_id is not None:
        positions = [i for i, (mid, _) in enumerate(starts) if mid == message_id]
        if not positions:
            raise ValueError(f"no prompt with message id {message_id!r} in this session")
        position = positions[0]
    elif turn is not None:
        if not -len(starts) <= turn < len(starts):
            raise ValueError(f"turn {turn} out of range: the session has {counted(len(starts), 'turn')}")
        position = turn % len(starts)
    else:
        raise ValueError("fork needs a message id or a turn index")
    if not include:
        return starts[position][1]
    end = starts[position + 1][1] if position + 1 < len(starts) else len(events)
    start = starts[position][1]
    return next((start + i for i, e in enumerate(events[start:end]) if isinstance(e, HistoryCleared)), end)
