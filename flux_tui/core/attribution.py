"""Where the money went: the cost of every model request, and of every tool call.

Fed the agent's events (``apply``), like the ledger. A request is closed by its final (or settled)
``UsageReported``. A tool call is charged two figures:

* ``cost_usd``: the cost of the request whose answer asked for it (the calls of one answer share it);
* ``context_cost_usd``: what its result has cost since, as input of every later request until pruning
  left it out: its share of each request's input cost (``UsageReported.input_cost``), in proportion to
  its tokens among the request's prompt tokens.

Pruning drops the oldest turns whole and says so in a ``Notice`` ("Left out N earlier turns"): the
results of those turns stop costing from that request on. ``/clear`` (``HistoryCleared``) takes every
result out of the context at once; the turns before it keep what they cost, and pruning counts its turns
from the clear on, as the history it prunes starts there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    Notice,
    ToolCallFinished,
    ToolCallProposed,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.money import usd

_PRUNED = re.compile(r"Left out (\d+) earlier turn")


@dataclass(slots=True)
class RequestCost:
    """One model request (one reply) of a turn."""

    turn: int
    provider: str
    model: str
    cost: float | None
    input_cost: float | None
    prompt_tokens: int
    output_tokens: int
    estimated: bool


@dataclass(slots=True)
class CallCost:
    """One tool call: the request that produced it and what its result has cost since."""

    call_id: str
    name: str
    arguments: dict[str, Any]
    turn: int
    request: int | None  # index in ``Attribution.requests``
    cost_usd: float | None
    estimated: bool = False  # the request's cost is an estimate (it ended without final figures)
    context_cost_usd: float = 0.0
    result_tokens: int = 0
    finished: bool = False
    pruned: bool = False


@dataclass(slots=True)
class TurnCost:
    turn: int
    prompt: str
    cost: float | None
    requests: int
    estimated: bool


@dataclass
class Attribution:
    requests: list[RequestCost] = field(default_factory=list)
    calls: dict[str, CallCost] = field(default_factory=dict)
    prompts: dict[int, str] = field(default_factory=dict)
    turn: int = 0
    cleared_after: int = 0  # the last turn before the newest /clear: the history starts after it

    def apply(self, event: AgentEvent) -> bool:
        """Take any agent event; True when it closed a request (the calls' context costs moved)."""
        if isinstance(event, UsageReported) and (event.settled or not event.estimated):
            self._request(event)
            return True
        if isinstance(event, TurnStarted):
            # A turn is a prompt and everything that answers it, as the sessions browser and
            # ``compare`` count them: ``/retry`` of a cut answer and ``/continue`` start no prompt and
            # go on in the turn they answer.
            if event.prompt.strip() or not self.turn:
                self.turn += 1
                self.prompts[self.turn] = event.prompt
        elif isinstance(event, ToolCallProposed):
            last = len(self.requests) - 1 if self.requests else None
            request = self.requests[last] if last is not None else None
            self.calls[event.call_id] = CallCost(
                event.call_id,
                event.name,
                dict(event.input),
                self.turn,
                last,
                request.cost if request is not None else None,
                request.estimated if request is not None else False,
            )
        elif isinstance(event, ToolCallFinished):
            call = self.calls.get(event.call_id)
            if call is not None:
                call.finished = True
                call.result_tokens = _count(event.result)
        elif isinstance(event, Notice):
            found = _PRUNED.search(event.text)
            if found:
                self._prune(int(found.group(1)))
        elif isinstance(event, HistoryCleared):
            self.cleared_after = self.turn
            for call in self.calls.values():
                call.pruned = True
        return False

    def _request(self, event: UsageReported) -> None:
        prompt = event.input_tokens + event.cache_read_tokens + event.cache_write_tokens
        self.requests.append(
            RequestCost(
                turn=self.turn,
                provider=event.provider,
                model=event.model,
                cost=event.cost,
                input_cost=event.input_cost,
                prompt_tokens=prompt,
                output_tokens=event.output_tokens,
                estimated=event.estimated,
            )
        )
        if not event.input_cost or prompt <= 0:
            return
        per_token = event.input_cost / prompt
        for call in self.calls.values():
            if call.finished and not call.pruned:
                call.context_cost_usd += min(call.result_tokens, prompt) * per_token

    def _prune(self, dropped_turns: int) -> None:
        turns = sorted(turn for turn in self.prompts if turn > self.cleared_after)[:dropped_turns]
        for call in self.calls.values():
            if call.turn in turns:
                call.pruned = True

    # -- reading --------------------------------------------------------------------------------

    def turn_costs(self) -> list[TurnCost]:
        out: list[TurnCost] = []
        for turn in sorted(self.prompts):
            requests = [r for r in self.requests if r.turn == turn]
            priced = [r.cost for r in requests if r.cost is not None]
            cost = sum(priced) if priced else (None if requests else 0.0)
            estimated = any(r.estimated for r in requests)
            out.append(TurnCost(turn, self.prompts[turn], cost, len(requests), estimated))
        return out

    def top_turns(self, limit: int = 5) -> list[TurnCost]:
        return sorted(self.turn_costs(), key=lambda t: t.cost or 0.0, reverse=True)[:limit]

    def cost_line(self, call_id: str) -> str | None:
        """ "$0.0210 request · $0.0034 resent as context" for a call (what its result cost in every
        request since, which carried it again), None when it is unknown. The calls of one answer each
        name the request they share ("$0.0210 request, shared by 2 calls"), so the figures are not
        read as adding up."""
        call = self.calls.get(call_id)
        if call is None or call.request is None:  # no request's usage known (an old or hand-made log)
            return None
        sharing = self.sharing(call)
        shared = f", shared by {sharing} calls" if sharing > 1 else ""
        return (
            f"{usd(call.cost_usd, estimated=call.estimated)} request{shared} · "
            f"{usd(call.context_cost_usd)} resent as context"
        )

    def sharing(self, call: CallCost) -> int:
        """How many calls the request that asked for ``call`` asked for: they share its cost."""
        return sum(1 for other in self.calls.values() if other.request == call.request)

    def top_calls(self, limit: int = 5) -> list[CallCost]:
        """The tool calls whose results cost the most as context."""
        found = [c for c in self.calls.values() if c.context_cost_usd > 0]
        return sorted(found, key=lambda c: c.context_cost_usd, reverse=True)[:limit]


def attribute(events: list[AgentEvent]) -> Attribution:
    attribution = Attribution()
    for event in events:
        attribution.apply(event)
    return attribution


def _count(text: str) -> int:
    try:
        from flux_tui.core.tokens import count_tokens

        return int(count_tokens(text, wait=False))
    except Exception:  # an attribution must never break a view
        return max(1, len(text) // 4) if text else 0
