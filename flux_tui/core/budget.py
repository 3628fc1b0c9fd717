"""The per-session spending cap (``budget_usd``): a warning at 80 %, and a gate at 100 %.

``BudgetGuard`` is an agent event sink with its own ``UsageLedger`` (fed synchronously, so the gate
never lags behind the UI). ``ReliableStep`` calls ``gate()`` before every model request: once the
session's priced spend reaches the budget, the request waits for ``confirm_over_budget(spent, budget)``
(the TUI shows a dialog; headless ``flux-tui run`` refuses). A "yes" covers the rest of that turn; the
next turn asks again. ``/budget USD`` changes the cap (``set_budget``).

``budget_usd_per_day`` caps the spend of the day (local time) over every session of the data dir,
headless runs included, the same way: ``spent_elsewhere_today`` tells what the other sessions spent
today (the session store answers it), and this session's spend is added. The cap nearer its limit
speaks.

Unpriced replies (a local server, an unknown model) cost no figure a cap could count: every text that
says what this session spent against a budget names their models (``unpriced_note``), so "$0.00
spent" never reads as "nothing spent", and setting a budget while the current model is unpriced says
its requests are not counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flux_tui.core._config_models import MAX_BUDGET_USD
from flux_tui.core.agent_events import (
    AgentEvent,
    Notice,
    StepFinished,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    UsageReported,
)
from flux_tui.core.errors import FluxError
from flux_tui.core.ledger import BUDGET_WARNING, UsageLedger
from flux_tui.core.money import usd
from flux_tui.core.pricing import is_priced

if TYPE_CHECKING:
    from flux_tui.core.agent import Agent

ConfirmOverBudget = Callable[[float, float], Awaitable[bool]]


def spent_in(events: Iterable[AgentEvent], since: float = 0.0) -> float:
    """USD of the final (or settled) priced replies among ``events`` stored at ``since`` or later: what a
    budget counts (a live estimate is replaced by its reply's figures)."""
    usage = (e for e in events if isinstance(e, UsageReported) and e.ts >= since)
    return sum(e.cost or 0.0 for e in usage if e.settled or not e.estimated)


def start_of_today(now: float | None = None) -> float:
    """Local midnight before ``now`` (epoch seconds): where the daily cap's day starts."""
    moment = datetime.fromtimestamp(time.time() if now is None else now)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


@dataclass(frozen=True, slots=True)
class BudgetWords:
    """What a reached cap tells the user to do, by the cap's scope ("session", "daily"), where the
    agent runs: ``reached`` follows "Session budget reached: $x of $y." in the notice, ``refused`` is
    the hint of a request that was not sent."""

    reached: Mapping[str, str]
    refused: Mapping[str, str]


TUI_BUDGET_WORDS = BudgetWords(
    reached={
        "session": "New requests will wait for your confirmation (/budget USD raises the cap).",
        "daily": "New requests will wait for your confirmation (budget_usd_per_day in flux.toml, read at "
        "start, raises the cap).",
    },
    refused={
        "session": "Raise the cap with /budget USD (or budget_usd in flux.toml), then /retry.",
        "daily": "/retry asks again; budget_usd_per_day in flux.toml (read at start) raises the cap.",
    },
)
HEADLESS_BUDGET_WORDS = BudgetWords(
    reached=dict.fromkeys(("session", "daily"), "New requests are not sent: flux-tui run does not ask."),
    refused={
        "session": "flux-tui run does not ask: raise budget_usd (FLUX_BUDGET_USD) to go on.",
        "daily": "flux-tui run does not ask: raise budget_usd_per_day (FLUX_BUDGET_USD_PER_DAY) to go on.",
    },
)


class BudgetExceededError(FluxError):
    """The session budget is spent and the user (or headless mode) declined another request."""

    def __init__(
        self,
        spent: float,
        budget: float,
        *,
        hint: str | None = None,
        scope: str = "session",
        unpriced: Sequence[str] = (),
    ) -> None:
        super().__init__(
            f"{scope} budget reached: {format_usd(spent)} spent of {format_usd(budget)}"
            f"{unpriced_clause(unpriced)}; the request was not sent"
        )
        self.message = str(self)
        self.spent = spent
        self.budget = budget
        self.hint = hint if hint is not None else TUI_BUDGET_WORDS.refused[scope]


def format_usd(value: float) -> str:
    return usd(value)


def unpriced_note(models: Sequence[str]) -> str:
    """What a budget's figure leaves out: "plus unpriced usage of local:my-llama that no budget counts"."""
    return f"plus unpriced usage of {', '.join(models)} that no budget counts" if models else ""


def unpriced_clause(models: Sequence[str]) -> str:
    """``unpriced_note`` to follow a figure in a sentence: ", plus unpriced usage of ..."; "" if none."""
    return f", {unpriced_note(models)}" if models else ""


def unpriced_model(provider: Any) -> str | None:
    """ "name:model" of ``provider`` (a ``ChatProvider``) when its replies are unpriced, else None."""
    base_url = getattr(getattr(provider, "settings", None), "base_url", None)
    kind = getattr(provider, "kind", "") or ""
    if is_priced(kind, provider.model, provider_name=provider.name, base_url=base_url):
        return None
    return f"{provider.name}:{provider.model}"


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
        words: BudgetWords = TUI_BUDGET_WORDS,
        daily_usd: float | None = None,
        spent_elsewhere_today: Callable[[], float] | None = None,
    ) -> None:
        self.ledger = UsageLedger(budget_usd=budget_usd)  # 0 is a cap: every request asks
        self.daily_usd = daily_usd or None
        self.spent_elsewhere_today = spent_elsewhere_today
        self.confirm = confirm
        self.words = words
        self._emit: Callable[[AgentEvent], None] | None = None
        self._warned = False
        self._over_noted = False
        self._approved_turn: str | None = None
        # A resumed session's stored spend, and the part of it that was spent today in this session.
        self._loaded = self._loaded_today = 0.0

    # -- wiring -----------------------------------------------------------------------------------

    def attach(self, agent: Agent) -> BudgetGuard:
        """Subscribe to ``agent``'s events and send warnings through it."""
        agent.subscribe(self)
        self._emit = agent.emit
        return self

    def load(self, events: Iterable[AgentEvent], *, copied_at: float | None = None) -> None:
        """Count a resumed session's earlier spend (its stored events), without warning about it. The
        daily cap counts only what of it was spent today, and in this session: a fork's or an
        import's copied usage (stored before ``copied_at``) was its original's."""
        events = list(events)
        for event in events:
            self.ledger.apply(event)
        self._loaded_today += spent_in(events, max(start_of_today(), copied_at or 0.0))
        self._loaded = self.spent
        self._warned = self._fraction() >= BUDGET_WARNING
        self._over_noted = self._fraction() >= 1.0

    def reset(self) -> None:
        """A new session: nothing spent yet (the cap stays)."""
        self.ledger.reset()
        self._loaded = self._loaded_today = 0.0
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
        return self._cap()[3]

    def nearest_cap(self) -> str:
        """The cap nearest its limit, the one a confirmation is asked for: "session" or "daily"."""
        return self._cap()[0]

    def _cap(self) -> tuple[str, float, float | None, float]:
        """(scope, spent, cap, fraction) of the cap nearest its limit: "session" or "daily"."""
        session = ("session", self.spent, self.budget, self.ledger.budget_fraction() or 0.0)
        if not self.daily_usd:
            return session
        daily = self._daily(self.daily_usd)
        return daily if daily[3] > session[3] else session

    def _daily(self, cap: float) -> tuple[str, float, float, float]:
        elsewhere = 0.0
        if self.spent_elsewhere_today is not None:
            try:
                elsewhere = self.spent_elsewhere_today()
            except Exception:  # the store is busy or gone: this session's spend still counts
                elsewhere = 0.0
        today = elsewhere + self._loaded_today + self.spent - self._loaded
        return ("daily", today, cap, today / cap)

    def _spent_text(self) -> str:
        """The session's priced spend (``~``: it holds estimates); ``_unpriced`` says what it leaves out."""
        return usd(self.spent, estimated=self.ledger.session.estimated)

    def _unpriced(self) -> str:
        return unpriced_clause(self.ledger.session.unpriced_models)

    def summary(self) -> str:
        """What ``/budget`` without an argument shows."""
        if self.budget is None:
            text = f"No budget set ({self._spent_text()} spent{self._unpriced()}). Set one with /budget USD."
        else:
            session = self.ledger.budget_fraction() or 0.0
            cap = format_usd(self.budget)
            spent = f"{self._spent_text()} of {cap} ({session:.0%})"
            text = f"Budget: {spent} spent this session{self._unpriced()}."
        if self.daily_usd:
            _, today, cap_today, fraction = self._daily(self.daily_usd)
            cap = format_usd(cap_today)
            text += f" Today: {format_usd(today)} of {cap} ({fraction:.0%}) over every session."
        return text

    # -- changing -------------------------------------------------------------------------------------

    def set_budget(self, usd: float | None, *, current: Any = None) -> str:
        """``/budget USD``: a new cap (None: none); returns the line to show the user.

        ``current``: the provider in use (a ``ChatProvider``); when its model is unpriced, the line
        says that the cap does not count its requests."""
        self.ledger.budget_usd = usd
        fraction = self._fraction()
        self._warned = fraction >= BUDGET_WARNING
        self._over_noted = fraction >= 1.0
        self._approved_turn = None
        if usd is None:
            return "Budget removed: requests are no longer capped."
        if usd == 0:
            return "Budget set to $0.00: every request asks for your confirmation (/budget off removes it)."
        text = f"Budget set to {format_usd(usd)} ({self._spent_text()} spent so far{self._unpriced()})."
        if fraction >= 1.0:
            text += " It is already reached: new requests will ask for your confirmation."
        model = unpriced_model(current) if current is not None else None
        if model is not None:
            text += f" {model} is unpriced: this budget does not count its requests."
        return text

    # -- the sink -------------------------------------------------------------------------------------

    def __call__(self, event: AgentEvent) -> None:
        self.ledger.apply(event)
        # After a step or a turn the reply's final usage is in: a good moment to warn.
        if isinstance(event, StepFinished | TurnFinished | TurnFailed | TurnCancelled):
            self._check_thresholds(self._emit)

    def _check_thresholds(self, emit: Callable[[AgentEvent], None] | None) -> None:
        scope, spent, cap, fraction = self._cap()
        if emit is None or cap is None:
            return
        figure = f"{format_usd(spent)} of {format_usd(cap)}{self._unpriced()}"
        if fraction >= 1.0 and not self._over_noted:
            self._over_noted = self._warned = True
            emit(
                Notice(
                    text=f"{scope.capitalize()} budget reached: {figure}. {self.words.reached[scope]}",
                    level="warning",
                )
            )
        elif fraction >= BUDGET_WARNING and not self._warned:
            self._warned = True
            emit(Notice(text=f"{fraction:.0%} of the {scope} budget used: {figure}.", level="warning"))

    # -- the gate -------------------------------------------------------------------------------------

    async def gate(self, agent: Agent, turn_id: str) -> None:
        """Before a request: pass, or ask the user once per turn when the budget is spent.

        Raises ``BudgetExceededError`` when the answer is no (or nobody can be asked).
        """
        self._check_thresholds(agent.emit)
        scope, spent, budget, fraction = self._cap()
        if budget is None or fraction < 1.0:
            return
        if turn_id and self._approved_turn == turn_id:
            return
        allowed = await self.confirm(spent, budget) if self.confirm is not None else False
        unpriced = self.ledger.session.unpriced_models
        if not allowed:
            hint = self.words.refused[scope]
            raise BudgetExceededError(spent, budget, hint=hint, scope=scope, unpriced=unpriced)
        self._approved_turn = turn_id or None
        figure = f"{format_usd(spent)} of {format_usd(budget)}{unpriced_clause(unpriced)}"
        agent.emit(Notice(text=f"Over budget ({figure}): going on as you confirmed.", level="warning"))
