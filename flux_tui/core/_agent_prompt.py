"""The prompt of a running turn until something answers it, and the prompt that got no answer.

A provider appends the prompt to the transcript as it sends the request. Until part of an answer
arrives, the agent holds that message back from its listeners (the session store rebuilds the history
from what is committed), and when the turn ends without an answer (an error, a refusal, a cancel) the
message is taken back out of the transcript: a later request must not carry it, merged into the next
prompt or poisoning every request after a "prompt is too long". The chat keeps showing it, marked
(``PromptUnanswered``), and ``/retry`` sends it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from flux_tui.core.agent_events import PromptUnanswered
from flux_tui.core.transcript import Transcript

REASON_LENGTH = 160  # the reason kept with the mark: the error's first line, cut


@dataclass(slots=True)
class HeldPrompt:
    """The turn's prompt: appended at ``at`` by the provider that sends it."""

    text: str
    at: int
    answered: bool = False  # part of the answer streamed

    def waiting(self, transcript: Transcript) -> bool:
        """Nothing has answered the prompt yet (no answer streamed, no reply stored after it)."""
        if self.answered:
            return False
        return not any(m.role == "assistant" for m in transcript.messages[self.at :])

    def take_back(self, transcript: Transcript, reason: str) -> PromptUnanswered:
        """Remove the prompt from ``transcript``; the event that says so. Only while ``waiting``."""
        sent = len(transcript.messages) > self.at  # the provider appends it as it sends it
        del transcript.messages[self.at :]
        return PromptUnanswered(prompt=self.text, reason=short_reason(reason), sent=sent)


def short_reason(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= REASON_LENGTH else line[: REASON_LENGTH - 1].rstrip() + "…"


@dataclass(slots=True)
class Unanswered:
    """The prompt of the last turn when nothing answered it, valid while the history is as it was
    then (a later turn, ``/clear`` or a resumed session make it stale)."""

    text: str
    length: int
    last_id: str | None

    @classmethod
    def of(cls, text: str, transcript: Transcript) -> Unanswered:
        messages = transcript.messages
        return cls(text, len(messages), messages[-1].id if messages else None)

    def current(self, transcript: Transcript) -> bool:
        messages = transcript.messages
        return len(messages) == self.length and (messages[-1].id if messages else None) == self.last_id

