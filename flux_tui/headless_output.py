"""``flux-tui run --output-format json|stream-json``: what a script reads on standard output.

``json`` prints one object when the run is over::

    {"answer", "session_id", "provider", "model", "usage": {...}, "cost_usd", "stop_reason", "exit",
     "error"}

``stop_reason`` is how the turn ended: ``end_turn``, ``max_tokens`` (the answer was cut), ``refusal``,
``max_steps``, ``error``, or null when it never ran (a configuration problem).

``stream-json`` prints every agent event as one JSON object per line as it happens (the ``kind`` key
names it, see ``core.agent_events``), then that same object with ``"kind": "result"`` as the last line.
Tool activity and warnings still go to standard error. Every line is redacted of the configured keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from flux_tui import closed_pipe
from flux_tui.core.agent_events import (
    AgentEvent,
    ProviderSwitched,
    TextDelta,
    ToolCallProposed,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    event_to_dict,
)
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.redact import Redactor

OUTPUT_FORMATS = ("text", "json", "stream-json")


class JsonOutput:
    """Event sink that collects the run's answer and usage (and streams events in ``stream-json``)."""

    def __init__(self, out: TextIO, *, stream: bool, secrets: Iterable[str | None] = ()) -> None:
        self.out = out
        self.stream = stream
        self._redactor = Redactor(secrets)
        self._answer: list[list[str]] = [[]]  # the text of each step, split by tool calls
        self._ledger = UsageLedger()
        self.provider: str | None = None
        self.model: str | None = None
        self.error: str | None = None
        self.stop_reason: str | None = None

    def __call__(self, event: AgentEvent) -> None:
        if isinstance(event, TextDelta):
            self._answer[-1].append(event.text)
        elif isinstance(event, ToolCallProposed) and self._answer[-1]:
            self._answer.append([])
        elif isinstance(event, TurnStarted | ProviderSwitched):
            self.provider, self.model = event.provider, event.model
        elif isinstance(event, TurnFinished):
            self.stop_reason = event.stop_reason
        elif isinstance(event, TurnFailed):
            self.error = event.error
            self.stop_reason = "error"
        self._ledger.apply(event)
        if self.stream:
            self._line(event_to_dict(event))

    def _line(self, data: dict[str, Any], *, in_turn: bool = True) -> None:
        text = json.dumps(data, ensure_ascii=False, default=str)
        try:
            self.out.write(self._redactor.redact_text(text) + "\n")
            self.out.flush()
        except BrokenPipeError:  # raised here, the agent would only log it
            closed_pipe.reader_gone(end_turn=in_turn)

    @property
    def answer(self) -> str:
        """The answer text, each step's a paragraph of its own, as text mode prints it."""
        answer = ""
        for step in ("".join(parts) for parts in self._answer if parts):
            answer = f"{answer.rstrip(chr(10))}\n\n{step}" if answer else step
        return answer

    def result(self, session_id: str | None, code: int) -> dict[str, Any]:
        session = self._ledger.session
        usage = session.to_dict()
        usage.pop("cost", None)
        return {
            "answer": self.answer,
            "session_id": session_id,
            "provider": self.provider,
            "model": self.model,
            "usage": usage,
            "cost_usd": session.cost,
            "stop_reason": self.stop_reason,
            "exit": code,
            "error": self.error,
        }

    def finish(self, session_id: str | None, code: int) -> None:
        """Print the result: the whole output in ``json``, the last line in ``stream-json``."""
        data = self.result(session_id, code)
        if self.stream:
            self._line({"kind": "result", **data}, in_turn=False)
        else:
            self.out.write(self._redactor.redact_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
            self.out.flush()


class LastLine:
    """Standard error that remembers its last message (the error of a run that ends early, for JSON)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last: str | None = None

    def write(self, text: str) -> int:
        line = text.strip().removeprefix("flux-tui: ")
        if line:
            self.last = line
        return int(self.stream.write(text) or 0)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())
