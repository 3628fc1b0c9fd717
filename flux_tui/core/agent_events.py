"""What the agent loop tells its listeners: the TUI, the session store, headless ``flux-tui run``.

Every listener consumes the same events, so a replayed session (stored events fed back through the same
widgets) looks exactly like the live one. Each event serialises to a JSON-able dict with a ``kind`` key
and back (``event_to_dict`` / ``event_from_dict``).
"""

from __future__ import annotations

import reprlib
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Literal

ToolStatus = Literal["pending", "running", "done", "failed", "denied", "cancelled", "interrupted"]
Decision = Literal["auto", "approved", "approved_session", "denied", "yolo", "policy_deny"]


# Every event shares the base's ``__eq__`` and ``__repr__`` (over its fields, as a dataclass's own
# would): generating and compiling them for each of the 18 classes takes 1.9 of the module's 4.5 ms of
# import, on the first frame's path. ``__init__`` stays generated: it runs for every streamed delta.
_event = dataclass(slots=True, kw_only=True, eq=False, repr=False)


@_event
class AgentEvent:
    kind: ClassVar[str] = "event"
    ts: float = field(default_factory=time.time)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, AgentEvent)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # equal by value and mutable, as a dataclass with eq

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{self.__class__.__qualname__}({shown})"


@_event
class TurnStarted(AgentEvent):
    kind: ClassVar[str] = "turn_started"
    turn_id: str
    prompt: str
    provider: str
    model: str


@_event
class TextDelta(AgentEvent):
    kind: ClassVar[str] = "text_delta"
    text: str


@_event
class ThinkingDelta(AgentEvent):
    kind: ClassVar[str] = "thinking_delta"
    text: str


@_event
class ToolCallProposed(AgentEvent):
    """The model asked for a tool; arguments are complete (``input_error`` if they were malformed)."""

    kind: ClassVar[str] = "tool_call_proposed"
    call_id: str
    name: str
    input: dict[str, Any]
    input_error: str | None = None
    preview: str | None = None  # unified diff of an edit/write, or the command and its cwd


@_event
class ToolCallDecided(AgentEvent):
    kind: ClassVar[str] = "tool_call_decided"
    call_id: str
    decision: Decision
    reason: str | None = None
    by_user: bool = True  # a denial: False when nobody could be asked (``flux-tui run``, no approver)


@_event
class ToolCallRunning(AgentEvent):
    kind: ClassVar[str] = "tool_call_running"
    call_id: str


@_event
class ToolCallFinished(AgentEvent):
    kind: ClassVar[str] = "tool_call_finished"
    call_id: str
    status: ToolStatus
    result: str
    duration: float = 0.0
    diff: str | None = None  # the diff that was applied, for edits and writes


@_event
class UsageReported(AgentEvent):
    """Usage of one model reply. ``estimated`` is True for the live tiktoken estimate while streaming;
    the provider-reported figures of the same reply follow with ``estimated=False`` and replace it.
    A reply that ended without them (cancelled, failed) ends with ``estimated=True, settled=True``: its
    best estimate, final for the reply."""

    kind: ClassVar[str] = "usage"
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_1h_tokens: int = 0  # the part of cache_write_tokens written for an hour
    cost: float | None = None  # None: the model is unpriced
    input_cost: float | None = None  # the part of ``cost`` for the prompt (input, cache reads and writes)
    cache_saved: float | None = None  # what the cache reads saved against the input price
    estimated: bool = False
    settled: bool = False


@_event
class MessageCommitted(AgentEvent):
    """A message was appended to the transcript (``Message.to_dict()``); resume rebuilds from these."""

    kind: ClassVar[str] = "message"
    message: dict[str, Any]


@_event
class StepFinished(AgentEvent):
    """One model reply of the turn ended (a turn with tools has several steps)."""

    kind: ClassVar[str] = "step_finished"
    stop_reason: str


@_event
class Notice(AgentEvent):
    """Something to tell the user: retrying, failing over, pruned history, step limit, budget..."""

    kind: ClassVar[str] = "notice"
    text: str
    level: Literal["info", "warning", "error"] = "info"


@_event
class ProviderSwitched(AgentEvent):
    kind: ClassVar[str] = "provider_switched"
    provider: str
    model: str
    previous_provider: str | None = None
    previous_model: str | None = None
    reason: str = "user"  # "user" or "failover"


@_event
class PromptUnanswered(AgentEvent):
    """The turn ended (failed, refused, cancelled) before any of the answer to its prompt arrived.

    The prompt is taken out of the history the model sees, so it is never sent along with a later
    prompt; the chat keeps it, marked, and ``/retry`` sends it again. Comes before the turn's end.
    """

    kind: ClassVar[str] = "prompt_unanswered"
    prompt: str
    reason: str  # the error the turn ended with, or "cancelled"
    sent: bool = True  # False: no provider received it (the budget dialog's "Don't send", no key...)


@_event
class HistoryCleared(AgentEvent):
    """The user cleared the conversation (``/clear``, ctrl+l): the history the model sees starts empty
    after it. The spend so far stays counted; a resumed session rebuilds its history from here on."""

    kind: ClassVar[str] = "history_cleared"


CLEARED_NOTICE = "Conversation cleared: the model sees nothing from before this point."


@_event
class TurnFinished(AgentEvent):
    kind: ClassVar[str] = "turn_finished"
    stop_reason: str


@_event
class TurnFailed(AgentEvent):
    kind: ClassVar[str] = "turn_failed"
    error: str  # user-facing message (never a key)
    error_type: str  # the FluxError class name
    hint: str | None = None  # what to do next


@_event
class TurnCancelled(AgentEvent):
    kind: ClassVar[str] = "turn_cancelled"


EVENT_TYPES: dict[str, type[AgentEvent]] = {
    cls.kind: cls
    for cls in (
        TurnStarted,
        TextDelta,
        ThinkingDelta,
        ToolCallProposed,
        ToolCallDecided,
        ToolCallRunning,
        ToolCallFinished,
        UsageReported,
        MessageCommitted,
        StepFinished,
        Notice,
        ProviderSwitched,
        PromptUnanswered,
        HistoryCleared,
        TurnFinished,
        TurnFailed,
        TurnCancelled,
    )
}


def last_unanswered(events: Iterable[AgentEvent]) -> str | None:
    """The prompt of the last turn of ``events`` if nothing answered it (``/retry`` of a resumed session)."""
    prompt: str | None = None
    for event in events:
        if isinstance(event, TurnStarted | HistoryCleared):
            prompt = None
        elif isinstance(event, PromptUnanswered):
            prompt = event.prompt
    return prompt


def event_to_dict(event: AgentEvent) -> dict[str, Any]:
    data = asdict(event)
    data["kind"] = event.kind
    return data


def event_from_dict(data: dict[str, Any]) -> AgentEvent:
    cls = EVENT_TYPES[data["kind"]]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
