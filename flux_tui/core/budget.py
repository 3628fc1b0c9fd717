"""The per-session spending cap (``budget_usd``): a warning at 80 %, and a gate at 100 %.

``BudgetGuard`` is an agent event sink with its own ``UsageLedger`` (fed synchronously, so the gate
never lags behind the UI). ``ReliableStep`` calls ``gate()`` before every model request: once the
session's priced spend reaches the budget, the request waits for ``confirm_over_budget(spent, budget)``
(the TUI shows a dialog; headless ``flux-tui run`` refuses). A "yes" covers the rest of that turn; the
next turn asks again. ``/budget USD`` changes the cap (``set_budget``).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from flux_tui.core._config_models import MAX_BUDGET_USD
from flux_tui.core.agent_events import (
    AgentEvent,
    Notice,
    StepFinished,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
)
from flux_tui.core.errors import FluxError
from flux_tui.core.ledger import BUDGET_WARNING, UsageLedger

if TYPE_CHECKING:
    from flux_tui.core.agent import Agent

ConfirmOverBudget = Callable[[float, float], Awaitable[bool]]

BUDGET_HINT = "Raise the cap with /budget USD (or budget_usd in flux.toml), then /retry."
HEADLESS_HINT = "flux-tui run does not ask: raise budget_usd (FLUX_BUDGET_USD) to go on."


class BudgetExceededError(FluxError):
    """The session budget is spent and the user (or headless mode) declined another request."""

    def __init__(self, spent: float, budget: float, *, hint: str | None = BUDGET_HINT) -> None:
        super().__init__(
            f"session budget reached: {format_usd(spent)} spent of {format_usd(budget)}; "
            "the request was not sent"
        )
        self.message = str(self)
        self.spent = spent
        self.budget = budget
        self.hint = hint


def format_usd(value: float) -> str:
    return f"${value:,.4f}" if 0 < value < 0.01 else f"${value:,.2f}"


def parse_budget(text: str) -> float | None:
    """``/budget`` argument -> USD, None for "off"; ``ValueError`` (with a message) otherwise.

    0 is a cap like any other (every request asks): only a word removes the cap.
    """
    cleaned = text.strip().lower().removeprefix("$").replace(",", "").strip()
    if cleaned in ("off", "none", "no", "unset"):
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"not an amount in USD: {text.strip()!r} (try /budget 5 or /budget off)") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"the budget must be an amount in USD, 0 or more, not {text.strip()!r} (/budget off removes it)"
        )
    if value > MAX_BUDGET_USD:
        raise ValueError(f"the budget can be at most {format_usd(MAX_BUDGET_USD)}, not {text.strip()!r}")
    return value


async def refuse_over_budget(spent: float, budget: float) -> bool:
    """The headless answer: nobody is there to confirm, so the request is not sent."""
    return False


class BudgetGuard:
    """Tracks the session's spend against ``budget_usd`` (see module docstring)."""

    def __init__(
        self,
        budget_usd: float | None = None,
        *,
        confirm: ConfirmOverBudget | None = None,
        refusal_hint: str | None = BUDGET_HINT,
    ) -> None:
        self.ledger = UsageLedger(budget_usd=budget_usd)
        self.confirm = confirm
        self.refusal_hint = refusal_hint
        self._emit: Callable[[AgentEvent], None] | None = None
        self._warned = False
        self._over_noted = False
        self._approved_turn: str | None = None

    # -- wiring -----------------------------------------------------------------------------------

    def attach(self, agent: Agent) -> BudgetGuard:
        """Subscribe to ``agent``'s events and send warnings through it."""
        agent.subscribe(self)
        self._emit = agent.emit
        return self

    def load(self, events: Iterable[AgentEvent]) -> None:
        """Count a resumed session's earlier spend (its stored events), without warning about it."""
        for event in events:
            self.ledger.apply(event)
        self._warned = self._fraction() >= BUDGET_WARNING
        self._over_noted = self._fraction() >= 1.0

    def reset(self) -> None:
        """A new session: nothing spent yet (the cap stays)."""
        self.ledger.reset()
        self._warned = self._over_noted = False
        self._approved_turn = None

    # -- reading ------------------------------------------------------------------------------------

    @property
    def budget(self) -> float | None:
        return self.ledger.budget_usd

    @property
    def spent(self) -> float:
        return self.ledger.cost or 0.0

    def _fraction(self) -> float:
        return self.ledger.budget_fraction() or 0.0

    def summary(self) -> str:
        """What ``/budget`` without an argument shows."""
        if self.budget is None:
            return f"No budget set ({format_usd(self.spent)} spent). Set one with /budget USD."
        return (
            f"Budget: {format_usd(self.spent)} of {format_usd(self.budget)} "
            f"({self._fraction():.0%}) spent this session."
        )

    # -- changing -------------------------------------------------------------------------------------

    def set_budget(self, usd: float | None) -> str:
        """``/budget USD``: a new cap (None: none); returns the line to show the user."""
        self.ledger.budget_usd = usd
        fraction = self._fraction()
        self._warned = fraction >= BUDGET_WARNING
        self._over_noted = fraction >= 1.0
        self._approved_turn = None
        if usd is None:
            return "Budget removed: requests are no longer capped."
        if usd == 0:
            return "Budget set to $0.00: every request asks for your confirmation (/budget off removes it)."
        text = f"Budget set to {format_usd(usd)} ({format_usd(self.spent)} spent so far)."
        if fraction >= 1.0:
            text += " It is already reached: new requests will ask for your confirmation."
        return text

    # -- the sink -------------------------------------------------------------------------------------

    def __call__(self, event: AgentEvent) -> None:
        self.ledger.apply(event)
        # After a step or a turn the reply's final usage is in: a good moment to warn.
        if isinstance(event, StepFinished | TurnFinished | TurnFailed | TurnCancelled):
            self._check_thresholds(self._emit)

    def _check_thresholds(self, emit: Callable[[AgentEvent], None] | None) -> None:
        if emit is None or self.budget is None:
            return
        fraction = self._fraction()
        if fraction >= 1.0 and not self._over_noted:
            self._over_noted = self._warned = True
            emit(
                Notice(
                    text=(
                        f"Session budget reached: {format_usd(self.spent)} of {format_usd(self.budget)}. "
                        "New requests will wait for your confirmation (/budget USD raises the cap)."
                    ),
                    level="warning",
                )
            )
        elif fraction >= BUDGET_WARNING and not self._warned:
            self._warned = True
            emit(
                Notice(
                    text=(
                        f"{fraction:.0%} of the session budget used: {format_usd(self.spent)} of "
                        f"{format_usd(self.budget)}."
                    ),
                    level="warning",
                )
            )

    # -- the gate -------------------------------------------------------------------------------------

    async def gate(self, agent: Agent, turn_id: str) -> None:
        """Before a request: pass, or ask the user once per turn when the budget is spent.

        Raises ``BudgetExceededError`` when the answer is no (or nobody can be asked).
        """
        self._check_thresholds(agent.emit)
        budget = self.budget
        if budget is None or self._fraction() < 1.0:
            return
        if turn_id and self._approved_turn == turn_id:
            return
        spent = self.spent
        allowed = await self.confirm(spent, budget) if self.confirm is not None else False
        if not allowed:
            raise BudgetExceededError(spent, budget, hint=self.refusal_hint)
        self._approved_turn = turn_id or None
        agent.emit(
            Notice(
                text=f"Over budget ({format_usd(spent)} of {format_usd(budget)}): going on as you confirmed.",
                level="warning",
            )
        )
