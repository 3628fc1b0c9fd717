"""Per-turn figures of a run (a recorded session, or a re-run on another target), from its events.

A turn starts at a ``TurnStarted`` with a prompt (a "continue" goes on in the same turn) and holds the
provider and model it started on, the answer's text, the final or settled usage of its requests (the
figures every view shows), the seconds from its start to its end, and its tool calls with their
attribution (``core.attribution``); also whether its prompt reached a provider at all, and whether the
conversation was cleared before it (what ``compare.plan`` sends the targets).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    PromptUnanswered,
    StepFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallProposed,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.attribution import attribute


@dataclass(slots=True)
class CallFigures:
    name: str
    arguments: dict[str, Any]
    cost_usd: float | None
    context_cost_usd: float
    call_id: str = ""
    status: str = "pending"  # as the call ended: done, failed, denied... (pending: it never ran)

    @property
    def label(self) -> str:
        """The tool's name, with how the call ended when it did not run to the end."""
        return self.name if self.status == "done" else f"{self.name} ({self.status})"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "arguments": self.arguments,
            "status": self.status,
            "cost_usd": self.cost_usd,
            "context_cost_usd": round(self.context_cost_usd, 8),
        }


@dataclass(slots=True)
class TurnFigures:
    prompt: str
    answer: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float | None = None
    estimated: bool = False
    seconds: float = 0.0
    tool_calls: list[CallFigures] = field(default_factory=list)
    error: str | None = None
    provider: str = ""
    model: str = ""
    sent: bool = True  # False: no provider received the prompt (it is in no request after it either)
    cleared_before: bool = False  # the conversation was cleared between the previous turn and this one
    _started: float = 0.0

    @property
    def calls_summary(self) -> str:
        """How many calls, and those that did not run to the end by how: "2 tool calls (1 denied)"."""
        ended: dict[str, int] = {}
        for call in self.tool_calls:
            if call.status != "done":
                ended[call.status] = ended.get(call.status, 0) + 1
        count = len(self.tool_calls)
        text = f"{count} tool call" + ("" if count == 1 else "s")
        return text + (f" ({', '.join(f'{n} {status}' for status, n in ended.items())})" if ended else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "prompt": self.prompt,
            "provider": self.provider,
            "model": self.model,
            "answer": self.answer,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "cost_usd": self.cost_usd,
            "estimated": self.estimated,
            "seconds": round(self.seconds, 3),
            "tool_calls": [call.to_json() for call in self.tool_calls],
            "error": self.error,
        }


@dataclass(slots=True)
class RunFigures:
    provider: str
    model: str
    turns: list[TurnFigures] = field(default_factory=list)

    @property
    def total_cost_usd(self) -> float | None:
        priced = [t.cost_usd for t in self.turns if t.cost_usd is not None]
        return sum(priced) if priced else None

    @property
    def estimated(self) -> bool:
        return any(t.estimated for t in self.turns)

    @property
    def models(self) -> list[str]:
        """Every "provider:model" its turns ran on, in the order of first use (the run's own if none)."""
        found = [f"{t.provider}:{t.model}" for t in self.turns if t.provider]
        return list(dict.fromkeys(found)) or [f"{self.provider}:{self.model}"]

    @property
    def mixed(self) -> bool:
        """Its turns ran on more than one model (a recording that switched)."""
        return len(self.models) > 1

    @property
    def label(self) -> str:
        """ "provider:model", or "mixed (2 models)" for a recording that switched (its turns say which)."""
        models = self.models
        return f"mixed ({len(models)} models)" if self.mixed else models[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": None if self.mixed else self.provider,
            "model": None if self.mixed else self.model,
            "models": self.models,
            "total_cost_usd": self.total_cost_usd,
            "turns": [turn.to_json() for turn in self.turns],
        }


def next_reply(answer: str) -> str:
    """``answer`` as the reply after a tool call goes on from it: a paragraph of its own."""
    return answer.rstrip() + "\n\n" if answer.strip() else answer


def run_figures(events: Iterable[AgentEvent], provider: str = "", model: str = "") -> RunFigures:
    """The figures of every turn in ``events``; provider and model default to the first turn's."""
    events = list(events)
    costs = attribute(events)
    run = RunFigures(provider, model)
    turn: TurnFigures | None = None
    cleared = False
    step_ended = False  # the next text starts a reply of its own (after a tool call): a new paragraph
    for event in events:
        if isinstance(event, TurnStarted):
            if not run.provider:
                run.provider, run.model = event.provider, event.model
            if event.prompt.strip() or turn is None:
                turn = TurnFigures(
                    prompt=event.prompt,
                    provider=event.provider,
                    model=event.model,
                    cleared_before=cleared,
                    _started=event.ts,
                )
                run.turns.append(turn)
                cleared = False
        elif isinstance(event, HistoryCleared):
            cleared = True
        elif turn is None:
            continue
        elif isinstance(event, PromptUnanswered):
            if not event.sent and event.prompt == turn.prompt:
                turn.sent = False
        elif isinstance(event, StepFinished):
            step_ended = True
        elif isinstance(event, TextDelta):
            if step_ended:
                turn.answer, step_ended = next_reply(turn.answer), False
            turn.answer += event.text
        elif isinstance(event, UsageReported) and (event.settled or not event.estimated):
            _add_usage(turn, event)
        elif isinstance(event, ToolCallProposed):
            call = costs.calls.get(event.call_id)
            turn.tool_calls.append(
                CallFigures(
                    event.name,
                    dict(event.input),
                    call.cost_usd if call is not None else None,
                    call.context_cost_usd if call is not None else 0.0,
                    event.call_id,
                )
            )
        elif isinstance(event, ToolCallFinished):
            for call in turn.tool_calls:
                if call.call_id == event.call_id:
                    call.status = event.status
        elif isinstance(event, TurnFinished | TurnFailed | TurnCancelled):
            turn.seconds = max(0.0, event.ts - turn._started)
            if isinstance(event, TurnFailed):
                turn.error = event.error
            elif isinstance(event, TurnCancelled):
                turn.error = "cancelled"
    return run


def _add_usage(turn: TurnFigures, event: UsageReported) -> None:
    turn.input_tokens += event.input_tokens
    turn.output_tokens += event.output_tokens
    turn.cache_read_tokens += event.cache_read_tokens
    turn.cache_write_tokens += event.cache_write_tokens
    turn.estimated = turn.estimated or event.estimated
    if event.cost is not None:
        turn.cost_usd = (turn.cost_usd or 0.0) + event.cost
