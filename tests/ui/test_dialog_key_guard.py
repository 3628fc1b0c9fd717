"""The over-budget, delete-session and fork dialogs take only keys pressed for them: keys typed ahead, or
typed with the key that opened the dialog, neither send over budget, delete nor fork (same guard as
approvals)."""

from __future__ import annotations

import asyncio

from key_guard_support import deliver, key_event, type_at_once, wait_out_key_guard
from textual.app import App, ComposeResult
from textual.widgets import Label

from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen, budget_confirmer
from flux_tui.ui.screens.session_dialogs import ConfirmDeleteScreen, ForkScreen


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[bool | str | None] = []

    def compose(self) -> ComposeResult:
        yield Label("host")

    def ask_delete(self) -> ConfirmDeleteScreen:
        screen = ConfirmDeleteScreen("Fish facts", "s-123")
        self.push_screen(screen, self.results.append)
        return screen


async def test_typing_as_the_budget_dialog_opens_does_not_send_over_budget() -> None:
    app = Host()
    async with app.run_test() as pilot:
        answer = asyncio.ensure_future(budget_confirmer(app)(5.25, 5.0))
        await pilot.press(*"yes try")  # the user was typing the next prompt
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BudgetConfirmScreen) and not answer.done()
        await wait_out_key_guard(screen)
        await pilot.press("y")
        assert await asyncio.wait_for(answer, 5) is True


async def test_keys_in_flight_before_the_budget_dialog_is_drawn_do_not_answer_it() -> None:
    app = Host()
    async with app.run_test() as pilot:
        typed_ahead = key_event("y")
        answer = asyncio.ensure_future(budget_confirmer(app)(5.25, 5.0))
        await pilot.pause()
        await wait_out_key_guard(app.screen)
        deliver(app, [typed_ahead])
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BudgetConfirmScreen) and not answer.done()
        answer.cancel()


async def test_a_click_as_the_budget_dialog_opens_is_ignored() -> None:
    app = Host()
    async with app.run_test() as pilot:
        answer = asyncio.ensure_future(budget_confirmer(app)(5.25, 5.0))
        await pilot.pause()
        await pilot.click("#budget-yes")
        await pilot.pause()
        assert isinstance(app.screen, BudgetConfirmScreen) and not answer.done()
        answer.cancel()


async def test_y_typed_with_the_d_that_opened_the_delete_dialog_deletes_nothing() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = app.ask_delete()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen and app.results == []
        await wait_out_key_guard(screen)
        type_at_once(app, "oh yes")  # a burst, long after: typing, not an answer (o answers nothing)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen and app.results == []
        await wait_out_key_guard(screen)
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]


async def test_a_click_as_the_delete_dialog_opens_is_ignored() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = app.ask_delete()
        await pilot.pause()
        await pilot.click("#delete-yes")
        await pilot.pause()
        assert app.screen is screen and app.results == []
        await wait_out_key_guard(screen)
        await pilot.click("#delete-yes")
        await pilot.pause()
    assert app.results == [True]


async def test_enter_typed_with_the_f_that_opened_the_fork_dialog_forks_nothing() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = ForkScreen("Fish facts", [("m1", "How do fish sleep?"), ("m2", "And sharks?")])
        app.push_screen(screen, app.results.append)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and app.results == []
        await pilot.press("up")  # choosing the turn is not answering: it works at once
        await wait_out_key_guard(screen)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["m1"]
