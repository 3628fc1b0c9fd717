"""The over-budget dialog names the cap that was reached: the daily one's figure is every session's
spend of the day, and flux.toml raises it, not /budget."""

from __future__ import annotations

from typing import Any

from textual.widgets import Label, Static
from ui_pilot import SIZE, send, type_text, wait_until

from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen


async def test_the_daily_cap_asks_in_its_own_words(make_app: Any, fake_api: Any) -> None:
    usage = {"input_tokens": 20_000, "output_tokens": 400}  # claude-sonnet-4-5: $0.066
    fake_api.queue_anthropic_text("first", usage=usage)
    app = make_app(model="claude-sonnet-4-5", budget_usd_per_day=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "one")
        await type_text(pilot, app, "two")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, BudgetConfirmScreen))
        screen = app.screen
        assert str(screen.query_one("#budget-title", Label).content) == "Daily budget reached"
        text = str(screen.query_one("#budget-text", Static).content)
        assert text.startswith("Today's sessions have spent $0.0660 of the $0.0500 daily budget.\n"), text
        assert "budget_usd_per_day" in text and "/budget" not in text
        await pilot.press("escape")
