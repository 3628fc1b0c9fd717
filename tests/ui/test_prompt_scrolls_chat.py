"""PageUp/PageDown (and Home/End in an empty prompt, ctrl+home/ctrl+end always) scroll the conversation
while the prompt keeps the focus; in a prompt being written Home/End still move the cursor."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE

from flux_tui.ui.app import FluxApp


async def _long_chat(pilot: Any, app: FluxApp) -> None:
    for number in range(150):
        app.conversation.chat.add_notice(f"line {number}")
    await pilot.pause()
    app.conversation.chat.scroll_end(animate=False)
    await pilot.pause()
    assert app.conversation.chat.max_scroll_y > 2 * app.conversation.chat.size.height


async def test_page_keys_in_the_prompt_scroll_the_chat(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _long_chat(pilot, app)
        bottom = app.conversation.chat.scroll_y
        await pilot.press(*"draft", "pageup")
        await pilot.pause()
        assert app.conversation.chat.scroll_y < bottom
        after_up = app.conversation.chat.scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        after_two = app.conversation.chat.scroll_y
        assert after_two < after_up
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.conversation.chat.scroll_y > after_two
        assert app.focused is app.conversation.prompt_input
        assert app.conversation.prompt_input.text == "draft"


async def test_home_and_end_in_an_empty_prompt_scroll_the_chat(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _long_chat(pilot, app)
        await pilot.press("home")
        await pilot.pause()
        assert app.conversation.chat.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert app.conversation.chat.scroll_y == app.conversation.chat.max_scroll_y
        assert app.focused is app.conversation.prompt_input


async def test_home_and_end_in_a_written_prompt_move_the_cursor(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _long_chat(pilot, app)
        bottom = app.conversation.chat.scroll_y
        await pilot.press(*"hello", "home")
        assert app.conversation.prompt_input.cursor_location == (0, 0)
        await pilot.press("end")
        assert app.conversation.prompt_input.cursor_location == (0, 5)
        assert app.conversation.chat.scroll_y == bottom
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert app.conversation.chat.scroll_y == 0
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert app.conversation.chat.scroll_y == app.conversation.chat.max_scroll_y
        assert app.conversation.prompt_input.text == "hello"
