"""Keys that arrive together (a terminal's burst: fast typing, a paste without bracketed paste, key
repeat) are applied in the order they were typed, bound keys included.

``pilot.press`` waits for the app to go idle after every key, which hides the fault: ``burst`` hands
the app all the keys at once, as a terminal read does.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input
from ui_pilot import SIZE, burst, handled

import flux_tui.ui.app  # noqa: F401  (the app sets up the editors' key handling on import)


async def test_ctrl_j_in_a_burst_puts_the_newline_where_it_was_typed(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, *"line1", "ctrl+j", *"line2")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "line1\nline2"
        app.conversation.prompt_input.clear()
        burst(app, "ctrl+j", *"abc")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "\nabc"


async def test_editing_keys_in_a_burst_apply_in_order(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, *"abc", "backspace", *"de")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "abde"
        app.conversation.prompt_input.clear()
        burst(app, *"ac", "left", "b")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "abc"


async def test_one_key_at_a_time_still_works(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for key in (*"ab", "ctrl+j", "c", "backspace", "d"):
            await pilot.press(key)
        assert app.conversation.prompt_input.text == "ab\nd"


class FieldApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="field")


async def test_a_text_field_takes_a_burst_in_order() -> None:
    app = FieldApp()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        burst(app, *"abc", "backspace", "d", "home", "x")
        await handled(pilot)
        assert field.value == "xabd"
