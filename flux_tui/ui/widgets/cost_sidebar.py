"""Live usage and cost: current model, last turn and session figures, context gauge, budget, per model.

The figures live in ``core.ledger.UsageLedger`` (the one accountant); this widget only feeds it the
agent's events and displays it. Usage events can arrive many times a second while an answer streams, so
``apply`` only updates the ledger and marks the widget dirty; the text is rebuilt at most once per
refresh cycle and at most every ``RENDER_INTERVAL`` (a burst of events costs one render), and a figure
whose text did not change is not touched: while an answer streams, only the token counts move, and they
move in place (no layout pass).

The provider and model in use, the model's context window and the budget are the app's state, bound to
the sidebar's reactives (``data_bind``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    ProviderSwitched,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.budget import unpriced_note
from flux_tui.core.ledger import BudgetStatus, UsageLedger, UsageTotals
from flux_tui.core.money import usd
from flux_tui.core.outlook import cache_savings, next_input_cost
from flux_tui.ui import format as fmt
from flux_tui.ui.beat import on_beat
from flux_tui.ui.widgets.usage_figures import cost_text, estimated_text, usage_table

CONTEXT_WARNING = 0.7
CONTEXT_DANGER = 0.9
ESTIMATE_NOTE = "~ estimated while streaming"
# After the turn: an estimate nobody replaced (the answer failed or was cancelled) stays marked.
UNSETTLED_NOTE = "~ estimated: no final figures came"
RENDER_INTERVAL = 0.8  # seconds between two renders of live estimates: every other beat (each costs CPU)


class CostSidebar(Widget):
    """Shows what the conversation costs, as it happens. Feed it every agent event with ``apply``."""

    DEFAULT_CSS = """
    CostSidebar {
        width: 34;
        height: 1fr;
        layout: vertical;
        padding: 0 1;
        border-left: vkey $panel-lighten-2;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    CostSidebar > Static {
        width: 1fr;
        height: auto;
        margin-bottom: 1;
    }
    CostSidebar > .sb-title {
        margin-bottom: 0;
        text-style: bold;
        color: $text-muted;
    }
    CostSidebar > #sb-budget.-warning {
        color: $warning;
        text-style: bold;
    }
    CostSidebar > #sb-budget.-exceeded {
        color: $text-error;
        background: $error 20%;
        text-style: bold;
    }
    CostSidebar > .hidden {
        display: none;
    }
    """

    provider: reactive[str | None] = reactive(None, init=False)
    model: reactive[str | None] = reactive(None, init=False)
    context_window: reactive[int | None] = reactive(None, init=False)
    input_price: reactive[float | None] = reactive(None, init=False)  # of the model in use, per token
    budget: reactive[float | None] = reactive(None, init=False)

    class BudgetStatusChanged(Message):
        """Spend crossed a budget threshold: ``status`` is "none", "ok", "warning" or "exceeded"."""

        def __init__(self, sidebar: CostSidebar, status: BudgetStatus) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.status = status

        @property
        def control(self) -> CostSidebar:
            return self.sidebar

    def __init__(
        self,
        *,
        ledger: UsageLedger | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``ledger``: share an existing ledger (resumed session); the sidebar then feeds it, so nobody
        else may ``apply`` the same events to it."""
        super().__init__(name=name, id=id, classes=classes)
        self._ledger = ledger if ledger is not None else UsageLedger()
        self._dirty = False
        self._scheduled: str | None = None  # "now" (after the next refresh), "later" (a timer) or None
        self._rendered_at = 0.0
        self._shown: dict[str, tuple[Hashable, Hashable]] = {}  # static id -> (content key, shape key)
        self._budget_status: BudgetStatus = self._ledger.budget_status()
        self._streaming = False  # between a turn's start and its end
        self._cleared_at = 0  # the ledger's entries before the last clear: the context holds none of them

    # ------------------------------------------------------------------ composition

    def compose(self) -> ComposeResult:
        yield Static(id="sb-model")
        yield Static("Context", classes="sb-title")
        yield Static(id="sb-context")
        yield Static("Usage", classes="sb-title")
        yield Static(id="sb-usage")
        yield Static("Budget", classes="sb-title hidden", id="sb-budget-title")
        yield Static(id="sb-budget", classes="hidden")
        yield Static("By model", classes="sb-title hidden", id="sb-breakdown-title")
        yield Static(id="sb-breakdown", classes="hidden")

    def on_mount(self) -> None:
        self._render_figures()

    # ------------------------------------------------------------------ public API

    @property
    def ledger(self) -> UsageLedger:
        return self._ledger

    @property
    def context_used(self) -> int:
        """Tokens of the last request and its reply: everything the context window had to hold (none
        since the conversation was cleared: the next request starts from nothing)."""
        if len(self._ledger.entries) <= self._cleared_at:
            return 0
        last = self._ledger.entries[-1]
        return last.input_tokens + last.cache_read_tokens + last.cache_write_tokens + last.output_tokens

    @property
    def context_fraction(self) -> float | None:
        if not self.context_window:
            return None
        return self.context_used / self.context_window

    @property
    def budget_status(self) -> BudgetStatus:
        return self._ledger.budget_status()

    def apply(self, event: AgentEvent) -> None:
        """Feed one agent event; anything unrelated to usage is ignored cheaply."""
        ended = isinstance(event, TurnFinished | TurnFailed | TurnCancelled)
        if isinstance(event, TurnStarted) or ended:
            self._streaming = not ended
        changed = self._ledger.apply(event)
        if isinstance(event, HistoryCleared):
            self._cleared_at = len(self._ledger.entries)
            changed = True
        if changed or ended or isinstance(event, ProviderSwitched):
            self._mark_dirty(estimate=isinstance(event, UsageReported) and event.estimated)

    def load(self, events: Iterable[AgentEvent]) -> None:
        """Replace the figures with those of ``events`` (a replayed or resumed session)."""
        self._ledger.reset()
        self._cleared_at = 0
        for event in events:
            self.apply(event)
        self._streaming = False  # a stored turn without an end is not streaming now
        self._mark_dirty()

    def watch_provider(self) -> None:
        self._mark_dirty()

    def watch_model(self) -> None:
        self._mark_dirty()

    def watch_context_window(self) -> None:
        self._mark_dirty()

    def watch_input_price(self) -> None:
        self._mark_dirty()

    def watch_budget(self, usd: float | None) -> None:
        self._ledger.budget_usd = usd
        self._mark_dirty()

    def clear(self) -> None:
        """Forget the usage (a new session); the current model and budget stay."""
        self._ledger.reset()
        self._cleared_at = 0
        self._mark_dirty()

    # ------------------------------------------------------------------ internals

    def _mark_dirty(self, *, estimate: bool = False) -> None:
        """Render after the next refresh; a live estimate (many a second while an answer streams)
        waits until ``RENDER_INTERVAL`` after the last render."""
        self._dirty = True
        if not self.is_mounted:
            return  # on_mount renders whatever arrived before mounting
        if self._scheduled == "now" or (estimate and self._scheduled == "later"):
            return
        wait = self._rendered_at + RENDER_INTERVAL - time.monotonic() if estimate else 0.0
        if wait > 0:
            self._scheduled = "later"
            self.set_timer(on_beat(wait), self._flush)  # in the frame of the answer's next write
        else:
            self._scheduled = "now"
            self.call_after_refresh(self._flush)

    def _flush(self) -> None:
        self._scheduled = None
        if self._dirty:
            self._render_figures()

    def _show(
        self, static_id: str, key: Hashable, shape: Hashable, build: Callable[[], RenderableType]
    ) -> None:
        """Update a figure only when ``key`` changed; lay out again only when ``shape`` (what decides
        its height) changed."""
        shown = self._shown.get(static_id)
        if shown is not None and shown[0] == key:
            return
        self._shown[static_id] = (key, shape)
        self.query_one(f"#{static_id}", Static).update(build(), layout=shown is None or shown[1] != shape)

    def _render_figures(self) -> None:
        self._dirty = False
        self._rendered_at = time.monotonic()
        ledger = self._ledger
        session = ledger.session
        turn = ledger.turn
        model = (self.provider, self.model)
        self._show("sb-model", model, model, self._model_renderable)
        outlook = self._outlook()
        context = (self.context_used, self.context_window, self._context_estimated, outlook)
        shape = (self.context_window is None, outlook.count("\n") + bool(outlook))
        self._show("sb-context", context, shape, lambda: self._context_renderable(outlook))

        def usage() -> RenderableType:
            parts: list[RenderableType] = [usage_table(turn, session)]
            if session.unpriced_models:
                names = ", ".join(session.unpriced_models)
                parts.append(Text(f"unpriced: {names}", style="italic dim", overflow="fold"))
            if estimated:
                parts.append(Text(ESTIMATE_NOTE if self._streaming else UNSETTLED_NOTE, style="italic dim"))
            return Group(*parts)

        estimated = turn.estimated or session.estimated
        shape = (tuple(session.unpriced_models), estimated)
        self._show("sb-usage", (repr(turn), repr(session), self._streaming), shape, usage)
        self._render_budget(session)
        self._render_breakdown()

    @property
    def _context_estimated(self) -> bool:
        return bool(self._ledger.entries) and self._ledger.entries[-1].estimated

    def _model_renderable(self) -> RenderableType:
        if not self.provider:
            return Text("no provider", style="dim italic")
        return Group(
            Text(self.provider, style="bold", no_wrap=True, overflow="ellipsis"),
            Text(self.model or "", no_wrap=True, overflow="ellipsis"),
        )

    def _context_renderable(self, outlook: str) -> RenderableType:
        used = self.context_used
        used_text = estimated_text(fmt.tokens(used), self._context_estimated)
        fraction = self.context_fraction
        if fraction is None:
            unknown = Text(f"{used_text} used (window unknown)", style="dim")
            return Group(unknown, Text(outlook, style="dim")) if outlook else unknown
        style = "red" if fraction >= CONTEXT_DANGER else "yellow" if fraction >= CONTEXT_WARNING else "green"
        label = Text.assemble(
            (used_text, "bold"),
            f" / {fmt.tokens(self.context_window)}",
            (f"  {fmt.percent(fraction)}", style),
        )
        return Group(fmt.Gauge(fraction, style), label, *([Text(outlook, style="dim")] if outlook else []))

    def _outlook(self) -> str:
        """ "cache saved $0.0120" under the gauge once a request was priced, and "next input ~$0.0045"
        when the next request's input can be priced (not before a request since a clear)."""
        ledger = self._ledger
        if all(entry.input_cost is None for entry in reversed(ledger.entries)):  # the last, as a rule
            return ""
        saved = f"cache saved {usd(cache_savings(ledger))}"
        if len(ledger.entries) <= self._cleared_at:
            return saved
        projected = next_input_cost(ledger, (self.provider or "", self.model or ""), self.input_price)
        return saved if projected is None else f"{saved}\nnext input ~{usd(projected)}"

    def _render_budget(self, session: UsageTotals) -> None:
        widget = self.query_one("#sb-budget", Static)
        title = self.query_one("#sb-budget-title", Static)
        status = self._ledger.budget_status()
        budget = self._ledger.budget_usd
        hidden = budget is None
        widget.set_class(hidden, "hidden")
        title.set_class(hidden, "hidden")
        widget.set_class(status == "warning", "-warning")
        widget.set_class(status == "exceeded", "-exceeded")
        self.set_class(status == "warning", "-budget-warning")
        self.set_class(status == "exceeded", "-over-budget")
        if status != self._budget_status:
            self._budget_status = status
            self.post_message(self.BudgetStatusChanged(self, status))
        if budget is None:
            self._show("sb-budget", None, None, lambda: "")
            return
        fraction = self._ledger.budget_fraction() or 0.0
        spent = estimated_text(fmt.money(session.cost or 0.0), session.estimated)
        unpriced = unpriced_note(session.unpriced_models)  # the figure above leaves it out

        def build() -> RenderableType:
            line = Text.assemble(spent, f" of {fmt.money(budget)}  ", fmt.percent(fraction))
            style = {"warning": "yellow", "exceeded": "red"}.get(status, "green")
            parts: list[RenderableType] = [fmt.Gauge(fraction, style), line]
            if unpriced:
                parts.append(Text(unpriced, style="italic dim", overflow="fold"))
            if status == "exceeded":
                parts.append(Text("over budget", style="bold"))
            elif status == "warning":
                parts.append(Text("nearing the budget"))
            return Group(*parts)

        key = (spent, unpriced, budget, fmt.percent(fraction), status)
        self._show("sb-budget", key, (status, unpriced), build)

    def _render_breakdown(self) -> None:
        title = self.query_one("#sb-breakdown-title", Static)
        groups = self._ledger.by_model()
        hidden = len(groups) < 2
        self.query_one("#sb-breakdown", Static).set_class(hidden, "hidden")
        title.set_class(hidden, "hidden")
        if hidden:
            self._show("sb-breakdown", None, None, lambda: "")
            return
        current = (self.provider, self.model)

        def build() -> RenderableType:
            lines: list[RenderableType] = []
            for (provider, model), totals in groups.items():
                name = Text(f"{provider}/{model}", no_wrap=True, overflow="ellipsis")
                if (provider, model) == current:
                    name.stylize("bold")
                lines.append(name)
                figures = Text.assemble(
                    estimated_text(fmt.tokens(totals.total_tokens), totals.estimated),
                    " tok  ",
                    cost_text(totals),
                    justify="right",
                )
                lines.append(figures)
            return Group(*lines)

        key = (current, tuple((group, repr(totals)) for group, totals in groups.items()))
        self._show("sb-breakdown", key, len(groups), build)
