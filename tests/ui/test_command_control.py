"""``CommandControl``'s own words around the services: ``/provider`` and ``/model`` alone say what is in
use and what to choose from; ``/retry`` while an answer streams is refused; ``/budget`` changes the
app's state only when it sets the budget."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, finish_turn, run_command, start_long_answer

from flux_tui.ui.turn_control import BUSY_MESSAGE
from flux_tui.ui.widgets.chat_items import NoticeLine


def _last_notice(app: Any) -> str:
    return str(app.conversation.chat.query(NoticeLine).last().text)


async def test_provider_and_model_alone_say_what_is_in_use(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/provider")
        names = ", ".join(app.config.provider_names())
        assert _last_notice(app) == f"Current provider: anthropic. Choose with /provider NAME: {names}"
        await run_command(pilot, app, "/model")
        model = app.agent.provider.model
        choices = ", ".join(app.model_choices)
        assert _last_notice(app) == f"Current model: {model}. Choose with /model NAME: {choices}"


async def test_retry_while_an_answer_streams_is_refused(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_long_answer(pilot, app, fake_api)
        assert app.action_retry() is False
        assert app.action_continue() is False
        assert _last_notice(app) == BUSY_MESSAGE
        await pilot.press("escape")
        await finish_turn(pilot, app)


async def test_budget_state_follows_only_a_budget_set(make_app: Any) -> None:
    app = make_app(budget_usd=5)
    async with app.run_test(size=SIZE) as pilot:
        app.budget_slash("lots")
        assert app.budget == 5
        app.budget_slash("off")
        await pilot.pause()
        assert app.budget is None
        assert app.turns.budget_guard is not None and app.turns.budget_guard.budget is None
