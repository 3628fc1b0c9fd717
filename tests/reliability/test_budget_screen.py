"""The over-budget dialog (``BudgetConfirmScreen``) and the confirm callback the app hands to
``ReliableStep``, driven with Textual's pilot."""

from __future__ import annotations

import asyncio

import pytest
from key_guard_support import wait_out_key_guard
from textual.app import App
from textual.widgets import Static

from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen, budget_confirmer


class Host(App[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("host")


@pytest.mark.parametrize(
    ("key", "expected"), [("y", True), ("n", False), ("escape", False), ("enter", False)]
)
async def test_keys_answer_the_dialog(key: str, expected: bool) -> None:
    app = Host()
    async with app.run_test() as pilot:
        confirm = budget_confirmer(app)
        answer = asyncio.ensure_future(confirm(5.25, 5.0))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BudgetConfirmScreen)
        text = str(screen.query_one("#budget-text", Static).render())
        assert "$5.25 of its $5.00 budget" in text
        await wait_out_key_guard(screen)
        await pilot.press(key)  # Enter presses the focused button: the safe "Don't send"
        assert await asyncio.wait_for(answer, 5) is expected
        await pilot.pause()
        assert not isinstance(app.screen, BudgetConfirmScreen)


async def test_send_button_says_yes() -> None:
    app = Host()
    async with app.run_test() as pilot:
        answer = asyncio.ensure_future(budget_confirmer(app)(1.0, 1.0))
        await pilot.pause()
        await wait_out_key_guard(app.screen)
        await pilot.click("#budget-yes")
        assert await asyncio.wait_for(answer, 5) is True


async def test_cancelling_the_turn_takes_the_dialog_away() -> None:
    app = Host()
    async with app.run_test() as pilot:
        answer = asyncio.ensure_future(budget_confirmer(app)(1.0, 1.0))
        await pilot.pause()
        assert isinstance(app.screen, BudgetConfirmScreen)
        answer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await answer
        await pilot.pause()
        assert not isinstance(app.screen, BudgetConfirmScreen)
