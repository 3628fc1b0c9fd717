"""F3 and F4 open the top bar's provider and model menus from the keyboard, wherever the focus is; a
replay, which switches nothing, says so instead."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select
from ui_pilot import SIZE, send, wait_until

from flux_tui.sessions import load_demo
from flux_tui.ui.widgets.chat_items import NoticeLine
from flux_tui.ui.widgets.top_bar import MENUS_OFF


def _menu(app: Any, which: str) -> Select[str]:
    return app.conversation.top_bar.query_one(f"#{which}-select", Select)


async def test_f3_opens_the_provider_menu_and_a_pick_switches(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("Paris.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "Capital of France?")
        await wait_until(pilot, lambda: app.conversation.top_bar.query("#provider-select"))
        await pilot.press("f3")
        await wait_until(pilot, lambda: _menu(app, "provider").expanded)
        assert _menu(app, "provider") in app.focused.ancestors_with_self  # its list has the keys
        options = [str(prompt) for prompt, _ in _menu(app, "provider")._options]
        steps = options.index("openai") - options.index("anthropic")
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
        await wait_until(pilot, lambda: app.agent.provider.name == "openai")
        assert app.provider == "openai"
        await wait_until(pilot, lambda: app.focused is app.conversation.prompt_input)


async def test_f4_opens_the_model_menu_and_escape_leaves_the_model(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.conversation.top_bar.query("#model-select"))
        model = app.model
        await pilot.press("f4")
        await wait_until(pilot, lambda: _menu(app, "model").expanded)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not _menu(app, "model").expanded)
        assert app.model == model and app.agent.provider.model == model


async def test_during_a_replay_the_menu_keys_say_the_menus_are_off(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.conversation.top_bar.query("#provider-select"))
        app.session_actions = None
        from flux_tui.ui.replay_controller import ReplayController

        controller = ReplayController(app, load_demo(), speed=None, start_paused=True)
        assert controller.start()
        await wait_until(pilot, lambda: app.mode == "replay")
        await pilot.press("f3")
        await wait_until(pilot, lambda: app.conversation.chat.query(NoticeLine))
        assert app.conversation.chat.query(NoticeLine).last().text == MENUS_OFF
        assert not _menu(app, "provider").expanded
        controller.close()
        await controller.wait_closed()
