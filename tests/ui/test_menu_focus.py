"""The top bar's menus hand the keyboard back: after a choice (or Esc) typing goes to the prompt, Tab
in the prompt does not wander into them, and a focused menu is plainly visible."""

from __future__ import annotations

from typing import Any

from textual.color import Color
from textual.widgets import Select
from textual.widgets._select import SelectCurrent
from ui_pilot import SIZE, wait_until

from flux_tui.ui.app import FluxApp


async def _menus_built(pilot: Any, app: FluxApp) -> tuple[Select[str], Select[str]]:
    await wait_until(pilot, lambda: app.conversation.top_bar._menus is not None)
    await pilot.pause()
    menus = app.conversation.top_bar._menus
    assert menus is not None
    return menus


async def test_after_choosing_a_provider_typing_goes_to_the_prompt(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        provider_menu, _ = await _menus_built(pilot, app)
        provider_menu.focus()
        await pilot.pause()
        await pilot.press("enter")  # open the menu
        await pilot.pause()
        assert provider_menu.expanded
        await pilot.press("down", "enter")  # pick the next provider
        await wait_until(pilot, lambda: app.agent.provider.name == "openai")
        await wait_until(pilot, lambda: app.focused is app.conversation.prompt_input)
        await pilot.press(*"hello there")
        await pilot.pause()
        assert not provider_menu.expanded
        assert app.conversation.prompt_input.text == "hello there"


async def test_after_choosing_a_model_with_the_mouse_typing_goes_to_the_prompt(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        _, model_menu = await _menus_built(pilot, app)
        await pilot.click(model_menu)
        await pilot.pause()
        assert model_menu.expanded
        await pilot.press("enter")  # the highlighted (current) model: no change, the menu closes
        await wait_until(pilot, lambda: app.focused is app.conversation.prompt_input)
        await pilot.press(*"a b")
        await pilot.pause()
        assert not model_menu.expanded
        assert app.conversation.prompt_input.text == "a b"


async def test_escape_in_an_open_menu_gives_the_prompt_back(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        provider_menu, _ = await _menus_built(pilot, app)
        provider_menu.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.conversation.prompt_input)
        await pilot.press(*"x y")
        assert app.conversation.prompt_input.text == "x y"
        assert app.agent.provider.name == "anthropic"


async def test_tab_with_nothing_to_complete_keeps_the_focus_in_the_prompt(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _menus_built(pilot, app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.conversation.prompt_input
        await pilot.press(*"hi there", "tab", *" you")
        await pilot.pause()
        assert app.focused is app.conversation.prompt_input
        assert app.conversation.prompt_input.text == "hi there you"
        await pilot.press("shift+tab")
        assert app.focused is app.conversation.prompt_input


def _contrast(a: Color, b: Color) -> float:
    return abs(a.brightness - b.brightness)


async def test_a_focused_menu_stands_out_from_the_bar(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        provider_menu, model_menu = await _menus_built(pilot, app)
        bar = app.conversation.top_bar.background_colors[1]
        unfocused = model_menu.query_one(SelectCurrent).background_colors[1]
        provider_menu.focus()
        await pilot.pause()
        focused = provider_menu.query_one(SelectCurrent).background_colors[1]
        assert _contrast(focused, bar) >= 0.15, (focused, bar)
        assert _contrast(focused, unfocused) >= 0.15, (focused, unfocused)
