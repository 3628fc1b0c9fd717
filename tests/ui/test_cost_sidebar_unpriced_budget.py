"""The sidebar's budget block over unpriced usage: the gauge's figure is the priced spend, and the line
under it names the unpriced usage no budget counts (never a bare "$0.00 of $5.00")."""

from __future__ import annotations

from test_inspector_sidebar_sidebar import SONNET, USAGE_1, USAGE_2, SidebarHost, _text, _turn, _usage

from flux_tui.core import pricing
from flux_tui.core.agent_events import TurnFinished
from flux_tui.ui import format as fmt
from flux_tui.ui.widgets.cost_sidebar import CostSidebar

LOCAL = ("local", "my-llama-7b")
NOT_COUNTED = "plus unpriced usage of local:my-llama-7b that no budget counts"


def _one_line(text: str) -> str:
    return " ".join(text.split())


async def test_an_unpriced_model_s_usage_is_named_under_the_budget_figure() -> None:
    events = [_turn(LOCAL), _usage(LOCAL, USAGE_2), TurnFinished(stop_reason="end_turn")]
    app = SidebarHost(events, budget=5.0)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        shown = _one_line(_text(app.query_one(CostSidebar), "budget"))
        assert "$0.00 of $5.00 0%" in shown
        assert NOT_COUNTED in shown


async def test_a_priced_session_s_budget_has_no_such_line_until_unpriced_usage_comes() -> None:
    cost = pricing.price_usage(*SONNET, USAGE_1)
    app = SidebarHost(
        [_turn(SONNET), _usage(SONNET, USAGE_1), TurnFinished(stop_reason="end_turn")], budget=5.0
    )
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        assert "unpriced" not in _text(sidebar, "budget")
        for event in (_turn(LOCAL, 2), _usage(LOCAL, USAGE_2), TurnFinished(stop_reason="end_turn")):
            sidebar.apply(event)
        await pilot.pause()
        shown = _one_line(_text(sidebar, "budget"))
        assert f"{fmt.money(cost)} of $5.00" in shown
        assert NOT_COUNTED in shown
