"""The one usage accountant: fed the agent's events, it knows tokens and cost per turn, session and model.

The TUI sidebar, ``/stats``, the session store and the budget check all read it; nobody else adds up
usage. Feed it every agent event (``apply``); it uses ``UsageReported`` and the turn boundaries.

Replace-vs-add: while a reply streams, the agent reports live *estimated* usage; the reply's figures
from the provider follow with ``estimated=False``. Any event that follows an estimated one of the same
provider and model replaces it (the values are totals of the reply, never increments). A final event
closes the reply, so the next event, estimated or not, is a new reply and adds; so does a settled
estimate (a reply that ended without the provider's figures: cancelled, failed, retried). An estimate
that is never replaced is kept, still marked estimated, when the turn ends or the provider changes:
it was spent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from typing import Any, Generic, Literal, TypeVar, cast

from flux_tui.core.agent_events import (
    AgentEvent,
    ProviderSwitched,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)

TOKEN_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cache_write_1h_tokens",
)
BUDGET_WARNING = 0.8

BudgetStatus = Literal["none", "ok", "warning", "exceeded"]
_T = TypeVar("_T")


def prompt_tokens_of(usage: Mapping[str, int]) -> int:
    """All input of a reply's usage (normalised keys), cached or not: what counts against the window."""
    return usage["input_tokens"] + usage["cache_read_tokens"] + usage["cache_write_tokens"]


@dataclass(slots=True)
class UsageEntry:
    """Usage of one model reply."""

    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_1h_tokens: int = 0
    cost: float | None = None
    estimated: bool = False
    turn: int = 0
    input_cost: float | None = None  # the prompt's part of ``cost``
    cache_saved: float = 0.0  # what cache reads saved at list price

    @classmethod
    def from_event(cls, event: UsageReported, turn: int) -> UsageEntry:
        return cls(
            provider=event.provider,
            model=event.model,
            cost=event.cost,
            estimated=event.estimated,
            turn=turn,
            input_cost=event.input_cost,
            cache_saved=event.cache_saved or 0.0,
            **{key: int(getattr(event, key) or 0) for key in TOKEN_KEYS},
        )


@dataclass(slots=True)
class UsageTotals:
    """Sums over some replies. ``cost`` covers the priced ones; ``unpriced_models`` names the others
    ("provider:model"), and ``cost`` is None only when usage exists but none of it is priced."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_1h_tokens: int = 0
    cost: float | None = 0.0
    unpriced_models: list[str] = field(default_factory=list)
    replies: int = 0
    estimated: bool = False  # some part is still a live estimate

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def prompt_tokens(self) -> int:
        """All input, cached or not (what counts against the context window)."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def fully_priced(self) -> bool:
        return not self.unpriced_models

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["total_tokens"] = self.total_tokens
        return data

    @classmethod
    def of(cls, entries: list[UsageEntry], start: UsageTotals | None = None) -> UsageTotals:
        """Totals of ``entries``, or of the replies ``start`` sums followed by ``entries``."""
        # Summed field by field (``map`` and ``sum`` run in C): the sidebar reads the session's and
        # each model's totals after every usage report, and a long session holds hundreds of replies.
        base = start or cls()
        totals = cls(**{key: getattr(base, key) + sum(map(get, entries)) for key, get in _TOKEN_GETTERS})
        totals.replies = base.replies + len(entries)
        totals.estimated = base.estimated or any(map(_ESTIMATED, entries))
        # ``start``'s cost is None only when none of its replies is priced.
        priced = base.replies > 0 and base.cost is not None
        cost = base.cost or 0.0
        unpriced = False
        for entry_cost in map(_COST, entries):
            if entry_cost is None:
                unpriced = True
            else:
                priced = True
                cost += entry_cost
        totals.unpriced_models = list(base.unpriced_models)
        if unpriced:
            names = (f"{entry.provider}:{entry.model}" for entry in entries if entry.cost is None)
            totals.unpriced_models = list(dict.fromkeys([*base.unpriced_models, *names]))
        totals.cost = cost if priced or not totals.unpriced_models else None
        return totals


_TOKEN_GETTERS = tuple((key, attrgetter(key)) for key in TOKEN_KEYS)
_ESTIMATED = attrgetter("estimated")
_COST = attrgetter("cost")


def _by_model(
    entries: list[UsageEntry], start: dict[tuple[str, str], UsageTotals] | None
) -> dict[tuple[str, str], UsageTotals]:
    """Totals per (provider, model) of ``entries``, after those of ``start``; first used first."""
    groups: dict[tuple[str, str], list[UsageEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.provider, entry.model), []).append(entry)
    totals = dict(start or {})
    for key, group in groups.items():
        totals[key] = UsageTotals.of(group, totals.get(key))
    return totals


class _Head(Generic[_T]):
    """The totals of a ledger's entries but the last, and which entries they are."""

    def __init__(self) -> None:
        self.entries: list[UsageEntry] | None = None
        self.before: list[UsageEntry] = []
        self.totals: _T | None = None


class UsageLedger:
    """Usage and cost of a session, its turns and each (provider, model)."""

    def __init__(self, budget_usd: float | None = None) -> None:
        self.budget_usd = budget_usd
        self.entries: list[UsageEntry] = []
        self._pending: int | None = None  # index of an estimated entry the next event may replace
        self._turn = 0  # number of the current or most recent turn
        self._turn_open = False
        # The sidebar reads the totals on every redraw; each is a pass over every reply of the session,
        # so they are kept until the entries change (``_revision``).
        self._revision = 0
        self._memo: dict[str, tuple[tuple[int, int, int], Any]] = {}
        self._head_session: _Head[UsageTotals] = _Head()
        self._head_by_model: _Head[dict[tuple[str, str], UsageTotals]] = _Head()

    # -- feeding ----------------------------------------------------------------------------------

    def apply(self, event: AgentEvent) -> bool:
        """Take any agent event; returns True when the figures changed."""
        if isinstance(event, UsageReported):
            self.record(event)
            return True
        if isinstance(event, TurnStarted):
            self.start_turn()
            return True
        if isinstance(event, TurnFinished | TurnFailed | TurnCancelled):
            self.end_turn()
        elif isinstance(event, ProviderSwitched):
            self._pending = None
        return False

    def record(self, event: UsageReported) -> None:
        if not self._turn_open:
            self.start_turn()
        entry = UsageEntry.from_event(event, self._turn)
        pending = self.entries[self._pending] if self._pending is not None else None
        self._revision += 1
        if pending is not None and (pending.provider, pending.model) == (entry.provider, entry.model):
            assert self._pending is not None
            self.entries[self._pending] = entry
        else:
            self.entries.append(entry)
            self._pending = len(self.entries) - 1
        if not entry.estimated or event.settled:
            self._pending = None

    def start_turn(self) -> None:
        self._pending = None
        self._revision += 1
        self._turn += 1
        self._turn_open = True

    def end_turn(self) -> None:
        """Close the turn; an estimate nobody replaced stays (marked estimated)."""
        self._pending = None
        self._turn_open = False

    def reset(self) -> None:
        self._revision += 1
        self.entries.clear()
        self._pending = None
        self._turn = 0
        self._turn_open = False

    # -- reading --------------------------------------------------------------------------------

    def _memoised(self, name: str, compute: Callable[[], _T]) -> _T:
        # The entries list is public: its identity and length are part of the key, so entries added
        # without ``record`` are not missed.
        key = (self._revision, id(self.entries), len(self.entries))
        found = self._memo.get(name)
        if found is not None and found[0] == key:
            return cast(_T, found[1])
        value = compute()
        self._memo[name] = (key, value)
        return value

    @property
    def session(self) -> UsageTotals:
        """Totals of the session (shared until the entries change: read, do not modify)."""
        return self._memoised("session", lambda: self._with_last(UsageTotals.of, self._head_session))

    @property
    def turn(self) -> UsageTotals:
        """The current turn while it runs, else the last finished one."""
        return self._memoised("turn", self._turn_totals)

    def _turn_totals(self) -> UsageTotals:
        return UsageTotals.of([e for e in self.entries if e.turn == self._turn])

    last_turn = turn

    @property
    def turn_running(self) -> bool:
        return self._turn_open

    @property
    def cost(self) -> float | None:
        return self.session.cost

    @property
    def unpriced_models(self) -> list[str]:
        return self.session.unpriced_models

    def by_model(self) -> dict[tuple[str, str], UsageTotals]:
        """Totals per (provider, model), in the order they were first used."""
        return dict(self._memoised("by_model", self._by_model))

    def _by_model(self) -> dict[tuple[str, str], UsageTotals]:
        return self._with_last(_by_model, self._head_by_model)

    # A report changes only the last entry (the reply streaming), so the totals of the others are kept
    # while the list holds the same entries before it (compared by identity, in C): the sidebar reads
    # them after every report, and a long session holds hundreds of replies.

    def _with_last(self, total: Callable[[list[UsageEntry], _T | None], _T], head: _Head[_T]) -> _T:
        entries = self.entries
        if not entries:
            return total([], None)
        before = entries[:-1]
        if head.entries is not entries or head.before != before:
            head.entries, head.before = entries, before
            head.totals = total(before, None) if before else None
        return total(entries[-1:], head.totals)

    # -- budget ---------------------------------------------------------------------------------

    def budget_fraction(self) -> float | None:
        """Share of ``budget_usd`` spent (priced parts only); None without a budget.

        A zero budget is reached from the start (every request asks): its share is 1.
        """
        if self.budget_usd is None:
            return None
        if self.budget_usd <= 0:
            return 1.0
        return (self.session.cost or 0.0) / self.budget_usd

    def budget_status(self) -> BudgetStatus:
        """ "warning" from 80 % of the budget, "exceeded" from 100 %."""
        fraction = self.budget_fraction()
        if fraction is None:
            return "none"
        if fraction >= 1.0:
            return "exceeded"
        return "warning" if fraction >= BUDGET_WARNING else "ok"

    # -- persistence ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget_usd": self.budget_usd,
            "session": self.session.to_dict(),
            "turn": self.turn.to_dict(),
            "by_model": [
                {"provider": provider, "model": model, **totals.to_dict()}
                for (provider, model), totals in self.by_model().items()
            ],
            "entries": [asdict(entry) for entry in self.entries],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UsageLedger:
        ledger = cls(budget_usd=data.get("budget_usd"))
        names = set(UsageEntry.__slots__)  # type: ignore[attr-defined]
        ledger.entries = [UsageEntry(**{k: v for k, v in e.items() if k in names}) for e in data["entries"]]
        ledger._turn = max((e.turn for e in ledger.entries), default=0)
        return ledger
