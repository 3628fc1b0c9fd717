"""The cost sidebar: figures from known usage, estimate replacement, per-model breakdown, unpriced models,
the context gauge and the budget thresholds."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from flux_tui.core import pricing
from flux_tui.core.agent_events import (
    AgentEvent,
    ProviderSwitched,
    TextDelta,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.ui import format as fmt
from flux_tui.ui.widgets.cost_sidebar import ESTIMATE_NOTE, CostSidebar

SONNET = ("anthropic", "claude-sonnet-4-5")
GPT = ("openai", "gpt-4o")
USAGE_1 = {"input_tokens": 12_000, "output_tokens": 800, "cache_read_tokens": 3000, "cache_write_tokens": 500}
USAGE_2 = {"input_tokens": 5_000, "output_tokens": 200, "cache_read_tokens": 0, "cache_write_tokens": 0}


@pytest.fixture(autouse=True)
def _no_price_overrides() -> None:
    pricing.clear_overrides()


def _usage(provider: tuple[str, str], usage: dict[str, int], *, estimated: bool = False) -> UsageReported:
    kind, model = provider
    return UsageReported(
        provider=kind, model=model, cost=pricing.price_usage(kind, model, usage), estimated=estimated, **usage
    )


def _turn(provider: tuple[str, str], n: int = 1) -> TurnStarted:
    return TurnStarted(turn_id=f"t{n}", prompt="hi", provider=provider[0], model=provider[1])


class SidebarHost(App[None]):
    def __init__(self, events: list[AgentEvent] | None = None, budget: float | None = None) -> None:
        super().__init__()
        self.events = events or []
        self.budget = budget
        self.statuses: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("main", id="main")
        yield CostSidebar(id="sidebar")

    def on_mount(self) -> None:
        sidebar = self.query_one(CostSidebar)
        sidebar.provider, sidebar.model = SONNET
        sidebar.context_window = 200_000
        sidebar.budget = self.budget
        for event in self.events:
            sidebar.apply(event)

    def on_cost_sidebar_budget_status_changed(self, message: CostSidebar.BudgetStatusChanged) -> None:
        self.statuses.append(message.status)


def _text(sidebar: CostSidebar, part: str) -> str:
    widget = sidebar.query_one(f"#sb-{part}", Static)
    if not widget.display:
        return ""
    content = widget.content
    if isinstance(content, str | Content):
        return str(content)
    console = Console(width=32, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()


def _rows(sidebar: CostSidebar) -> dict[str, list[str]]:
    """The usage table as {label: [turn, session]}."""
    rows = {}
    for line in _text(sidebar, "usage").splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] in ("in", "out", "cache", "cost"):
            label = " ".join(words[:-2])
            rows[label] = words[-2:]
    return rows


async def test_figures_match_a_known_usage() -> None:
    expected = pricing.price_usage(*SONNET, USAGE_1)
    assert expected is not None and expected > 0
    app = SidebarHost([_turn(SONNET), _usage(SONNET, USAGE_1), TurnFinished(stop_reason="end_turn")])
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        rows = _rows(sidebar)
        assert rows["in"] == ["12k", "12k"]
        assert rows["out"] == ["800", "800"]
        assert rows["cache rd"] == ["3k", "3k"]
        assert rows["cache wr"] == ["500", "500"]
        assert rows["cost"] == [fmt.money(expected), fmt.money(expected)]
        assert "anthropic" in _text(sidebar, "model")
        assert "claude-sonnet-4-5" in _text(sidebar, "model")
        assert sidebar.ledger.session.cost == pytest.approx(expected)
        assert ESTIMATE_NOTE not in _text(sidebar, "usage")


async def test_last_turn_and_session_are_told_apart() -> None:
    cost_1 = pricing.price_usage(*SONNET, USAGE_1)
    cost_2 = pricing.price_usage(*SONNET, USAGE_2)
    assert cost_1 is not None and cost_2 is not None
    app = SidebarHost(
        [
            _turn(SONNET, 1),
            _usage(SONNET, USAGE_1),
            TurnFinished(stop_reason="end_turn"),
            _turn(SONNET, 2),
            _usage(SONNET, USAGE_2),
            TurnFinished(stop_reason="end_turn"),
        ]
    )
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        rows = _rows(app.query_one(CostSidebar))
        assert rows["in"] == ["5k", "17k"]
        assert rows["cost"] == [fmt.money(cost_2), fmt.money(cost_1 + cost_2)]


async def test_estimates_are_marked_then_replaced_by_the_final_figures() -> None:
    app = SidebarHost()
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(CostSidebar)
        sidebar.apply(_turn(SONNET))
        sidebar.apply(_usage(SONNET, {"input_tokens": 11_000, "output_tokens": 100}, estimated=True))
        sidebar.apply(_usage(SONNET, {"input_tokens": 11_000, "output_tokens": 300}, estimated=True))
        await pilot.pause()
        usage = _text(sidebar, "usage")
        assert ESTIMATE_NOTE in usage
        assert _rows(sidebar)["out"] == ["~300", "~300"]
        assert _rows(sidebar)["cost"][0].startswith("~$")
        assert _text(sidebar, "context").startswith("█") and "~11.3k / 200k" in _text(sidebar, "context")

        sidebar.apply(_usage(SONNET, USAGE_1))
        sidebar.apply(TurnFinished(stop_reason="end_turn"))
        await pilot.pause()
        rows = _rows(sidebar)
        assert rows["in"] == ["12k", "12k"]  # replaced, not added to the estimates
        assert rows["out"] == ["800", "800"]
        assert rows["cost"] == [fmt.money(pricing.price_usage(*SONNET, USAGE_1))] * 2
        assert ESTIMATE_NOTE not in _text(sidebar, "usage")
        assert "~" not in _text(sidebar, "context")


async def test_breakdown_per_provider_appears_after_a_switch() -> None:
    cost_1 = pricing.price_usage(*SONNET, USAGE_1)
    cost_2 = pricing.price_usage(*GPT, USAGE_2)
    assert cost_1 is not None and cost_2 is not None
    app = SidebarHost([_turn(SONNET), _usage(SONNET, USAGE_1), TurnFinished(stop_reason="end_turn")])
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        assert _text(sidebar, "breakdown") == ""  # one model so far: no breakdown
        sidebar.apply(ProviderSwitched(provider="openai", model="gpt-4o", previous_provider="anthropic"))
        sidebar.provider, sidebar.model = GPT  # the app's state after the switch
        sidebar.apply(_turn(GPT, 2))
        sidebar.apply(_usage(GPT, USAGE_2))
        sidebar.apply(TurnFinished(stop_reason="end_turn"))
        await pilot.pause()
        assert "openai" in _text(sidebar, "model") and "gpt-4o" in _text(sidebar, "model")
        lines = [line.strip() for line in _text(sidebar, "breakdown").splitlines()]
        assert lines == [
            "anthropic/claude-sonnet-4-5",
            f"16.3k tok  {fmt.money(cost_1)}",
            "openai/gpt-4o",
            f"5.2k tok  {fmt.money(cost_2)}",
        ]
        assert _rows(sidebar)["cost"] == [fmt.money(cost_2), fmt.money(cost_1 + cost_2)]


async def test_unpriced_model_says_so_instead_of_zero() -> None:
    local = ("local", "my-llama-7b")
    assert pricing.price_usage(*local, USAGE_2) is None
    app = SidebarHost([_turn(local), _usage(local, USAGE_2), TurnFinished(stop_reason="end_turn")])
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        usage = _text(sidebar, "usage")
        assert _rows(sidebar)["cost"] == ["unpriced", "unpriced"]
        assert "$0" not in usage
        assert "unpriced: local:my-llama-7b" in usage


async def test_partly_unpriced_session_marks_its_cost() -> None:
    local = ("local", "my-llama-7b")
    cost_1 = pricing.price_usage(*SONNET, USAGE_1)
    app = SidebarHost(
        [
            _turn(SONNET, 1),
            _usage(SONNET, USAGE_1),
            TurnFinished(stop_reason="end_turn"),
            _turn(local, 2),
            _usage(local, USAGE_2),
            TurnFinished(stop_reason="end_turn"),
        ]
    )
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        rows = _rows(app.query_one(CostSidebar))
        assert rows["cost"] == ["unpriced", f"{fmt.money(cost_1)}+"]


async def test_context_gauge_counts_the_last_request_against_the_window() -> None:
    app = SidebarHost([_turn(SONNET), _usage(SONNET, USAGE_1), TurnFinished(stop_reason="end_turn")])
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        used = 12_000 + 3_000 + 500 + 800
        assert sidebar.context_used == used
        assert sidebar.context_fraction == pytest.approx(used / 200_000)
        lines = _text(sidebar, "context").splitlines()
        assert lines[1] == "16.3k / 200k  8%"
        # The bar: 8 % of 32 cells filled.
        assert lines[0].count("█") == round(used / 200_000 * 32)

        sidebar.provider, sidebar.model, sidebar.context_window = "local", "my-llama-7b", None
        await pilot.pause()
        assert "window unknown" in _text(sidebar, "context")


async def test_the_window_shown_is_the_one_the_state_brings_down() -> None:
    app = SidebarHost()
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(CostSidebar)
        sidebar.provider, sidebar.model, sidebar.context_window = "openai", "gpt-4o", None
        await pilot.pause()
        assert "window unknown" in _text(sidebar, "context")
        sidebar.context_window = 128_000
        sidebar.apply(_turn(GPT))
        await pilot.pause()
        assert "0 / 128k" in _text(sidebar, "context")


@pytest.mark.parametrize(
    ("budget_fraction", "status", "css_class", "text"),
    [
        (0.5, "ok", None, "50%"),
        (0.8, "warning", "-warning", "80%"),
        (1.0, "exceeded", "-exceeded", "over budget"),
        (1.6, "exceeded", "-exceeded", "160%"),
    ],
)
async def test_budget_thresholds(
    budget_fraction: float, status: str, css_class: str | None, text: str
) -> None:
    cost = pricing.price_usage(*SONNET, USAGE_1)
    assert cost is not None
    app = SidebarHost(
        [_turn(SONNET), _usage(SONNET, USAGE_1), TurnFinished(stop_reason="end_turn")],
        budget=cost / budget_fraction,
    )
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        budget = sidebar.query_one("#sb-budget")
        assert sidebar.budget_status == status
        assert budget.has_class("-warning") == (css_class == "-warning")
        assert budget.has_class("-exceeded") == (css_class == "-exceeded")
        assert sidebar.has_class("-over-budget") == (status == "exceeded")
        shown = _text(sidebar, "budget")
        assert f"{fmt.money(cost)} of {fmt.money(cost / budget_fraction)}" in shown
        assert text in shown
        if status != "ok":
            assert app.statuses[-1] == status


async def test_budget_crossing_posts_each_status_once() -> None:
    app = SidebarHost(budget=1.0)
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(CostSidebar)
        for cost in (0.5, 0.35, 0.1, 0.01, 0.2):
            sidebar.apply(UsageReported(provider="anthropic", model="claude-sonnet-4-5", cost=cost))
            await pilot.pause()
        assert app.statuses == ["ok", "warning", "exceeded"]
        sidebar.budget = None
        await pilot.pause()
        assert _text(sidebar, "budget") == ""
        assert app.statuses[-1] == "none"


async def test_a_burst_of_events_is_rendered_once() -> None:
    app = SidebarHost()
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        renders = 0
        original = sidebar._render_figures

        def counting() -> None:
            nonlocal renders
            renders += 1
            original()

        sidebar._render_figures = counting  # type: ignore[method-assign]
        sidebar.apply(_turn(SONNET))
        for n in range(1, 201):
            sidebar.apply(_usage(SONNET, {"input_tokens": 1000, "output_tokens": n}, estimated=True))
            sidebar.apply(TextDelta(text="x"))
        await pilot.pause()
        assert renders == 1
        assert _rows(sidebar)["out"] == ["~200", "~200"]


async def test_clear_and_load() -> None:
    app = SidebarHost([_turn(SONNET), _usage(SONNET, USAGE_1), TurnFinished(stop_reason="end_turn")])
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        sidebar.clear()
        await pilot.pause()
        assert _rows(sidebar)["in"] == ["0", "0"]
        assert _rows(sidebar)["cost"] == ["$0.00", "$0.00"]
        sidebar.load([_turn(GPT), _usage(GPT, USAGE_2), TurnFinished(stop_reason="end_turn")])
        await pilot.pause()
        assert _rows(sidebar)["in"] == ["5k", "5k"]


class SnapshotHost(App[None]):
    """Chat-like main area with the sidebar docked right, after a switch and a budget warning."""

    CSS = "#main { width: 1fr; }"

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal():
            yield Static("conversation", id="main")
            yield CostSidebar(id="sidebar")

    def on_mount(self) -> None:
        sidebar = self.query_one(CostSidebar)
        sidebar.provider, sidebar.model = SONNET
        sidebar.context_window = 200_000
        # Fixed costs: the picture must not change when genai-prices updates its data.
        events: list[AgentEvent] = [
            _turn(SONNET, 1),
            UsageReported(provider=SONNET[0], model=SONNET[1], cost=0.0508, **USAGE_1),
            TurnFinished(stop_reason="end_turn"),
            ProviderSwitched(provider="openai", model="gpt-4o", previous_provider="anthropic"),
            _turn(GPT, 2),
            UsageReported(provider=GPT[0], model=GPT[1], cost=0.0145, **USAGE_2),
            TurnFinished(stop_reason="end_turn"),
        ]
        for event in events:
            sidebar.apply(event)
        sidebar.provider, sidebar.model = GPT
        sidebar.context_window = 128_000
        sidebar.budget = 0.08


def test_snapshot_sidebar_with_breakdown(snap_compare: Any) -> None:
    assert snap_compare(SnapshotHost(), terminal_size=(70, 34))
