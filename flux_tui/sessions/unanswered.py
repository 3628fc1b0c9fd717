"""Prompts that got no answer, when a stored session is rebuilt (see ``rebuild``).

The agent never commits a prompt nothing answered and says so with ``PromptUnanswered``. Two kinds of
stored turns lack that event and are given it here, so the chat marks the prompt and ``/retry`` finds
it, and the rebuilt history never carries it into a later request:

- a turn the app stopped in (killed, crashed) before any of the answer arrived;
- a turn recorded before prompts were held back: the prompt was committed, then the turn failed or was
  cancelled without an answer. Such a prompt leaves the history once it is clear nothing answered it
  later: a new prompt followed, or the session ends there. (A ``/retry`` then ran a turn without a
  prompt of its own, which answered it: it stays.)
"""

from __future__ import annotations

from dataclasses import dataclass

from flux_tui.core.agent_events import AgentEvent, PromptUnanswered, TurnStarted
from flux_tui.core.transcript import Message, TextBlock, Transcript

STOPPED_REASON = "flux-tui stopped before an answer arrived"


@dataclass(slots=True)
class _Left:
    """A committed prompt whose turn ended without an answer: its mark goes in at ``position``."""

    message_id: str
    position: int
    mark: PromptUnanswered


class UnansweredPrompts:
    """Fed by the rebuild as it goes; writes marks into ``out`` and drops prompts from ``transcript``."""

    def __init__(self, out: list[AgentEvent], transcript: Transcript, index_of: dict[str, int]) -> None:
        self.out = out
        self.transcript = transcript
        self.index_of = index_of
        self._turn: TurnStarted | None = None
        self._prompt_id: str | None = None  # the turn's prompt, once committed
        self._answered = False
        self._marked = False
        self._left: _Left | None = None

    def turn_started(self, event: TurnStarted) -> None:
        if event.prompt.strip():
            self.settle()  # a new prompt: the one left before it got no answer
        else:
            self._left = None  # /retry or /continue of a stored turn: that answers it
        self._turn, self._prompt_id, self._answered, self._marked = event, None, False, False

    def committed(self, message: Message) -> None:
        if message.role == "assistant":
            self._answered = True
        elif self._prompt_id is None and any(isinstance(b, TextBlock) for b in message.blocks):
            self._prompt_id = message.id

    def answer_streamed(self) -> None:
        self._answered = True

    def marked(self) -> None:
        self._marked = True

    def turn_ended(self, reason: str, ts: float) -> None:
        """The turn ends (failed, cancelled, the app stopped): mark its prompt if nothing answered it."""
        turn, self._turn = self._turn, None
        if turn is None or not turn.prompt.strip() or self._answered or self._marked:
            return
        mark = PromptUnanswered(ts=ts, prompt=turn.prompt, reason=reason)
        if self._prompt_id is None:
            self.out.append(mark)
        else:
            self._left = _Left(self._prompt_id, len(self.out), mark)

    def settle(self) -> None:
        """The prompt left without an answer got none later: out of the history, marked in the chat."""
        left, self._left = self._left, None
        if left is None:
            return
        position = self.index_of.get(left.message_id)
        if position is None or position != len(self.transcript.messages) - 1:
            return  # something came after it: it is part of the conversation
        self.transcript.messages.pop()
        del self.index_of[left.message_id]
        self.out.insert(left.position, left.mark)
