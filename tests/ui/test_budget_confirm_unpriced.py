"""The over-budget dialog names the session's unpriced usage next to its figure: a $0 budget asks before
every request, and "spent $0.00" alone would hide what a local model has used."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Label, Static

from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen, budget_confirmer


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("host")


async def test_the_dialog_names_the_unpriced_models_the_figure_leaves_out() -> None:
    app = Host()
    async with app.run_test() as pilot:
        answer = asyncio.ensure_future(budget_confirmer(app, unpriced=lambda: ["local:my-llama"])(0.0, 0.0))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BudgetConfirmScreen)
        text = str(screen.query_one("#budget-text", Static).content)
        assert text.startswith(
            "This session has spent $0.00 of its $0.00 budget, "
            "plus unpriced usage of local:my-llama that no budget counts.\n"
        )
        answer.cancel()


async def test_without_unpriced_usage_the_dialog_says_only_the_figure() -> None:
    app = Host()
    async with app.run_test() as pilot:
        answer = asyncio.ensure_future(budget_confirmer(app)(5.25, 5.0))
        await pilot.pause()
        text = str(app.screen.query_one("#budget-text", Static).content)
        assert text.startswith("This session has spent $5.25 of its $5.00 budget.\n")
        answer.cancel()
