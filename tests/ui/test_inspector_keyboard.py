"""The tool inspector from the keyboard: ctrl+t opens it with the keys in its table (Up/Down pick a call,
Enter moves into its details, Esc goes back out to the prompt), and letters typed there reach the prompt."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import DataTable
from ui_pilot import SIZE, burst, handled

from flux_tui.core.agent_events import ToolCallFinished, ToolCallProposed
from flux_tui.ui.app import FluxApp


def add_calls(app: FluxApp, count: int = 3) -> None:
    for n in range(1, count + 1):
        app.conversation.inspector.apply(
            ToolCallProposed(call_id=f"c{n}", name="read_file", input={"path": f"f{n}.txt"})
        )
        app.conversation.inspector.apply(
            ToolCallFinished(call_id=f"c{n}", status="done", result=f"text {n}", duration=1)
        )


async def test_ctrl_t_gives_the_keys_to_the_table(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.conversation.prompt_input.prompt_history[:] = ["earlier prompt"]
        add_calls(app)
        await pilot.pause()
        table = app.conversation.inspector.query_one("#tool-calls", DataTable)
        detail = app.conversation.inspector.query_one("#tool-detail", VerticalScroll)
        await pilot.press("ctrl+t")
        assert app.conversation.inspector.display
        assert app.focused is table
        assert app.conversation.inspector.selected_call_id == "c3"
        await pilot.press("up")
        assert app.conversation.inspector.selected_call_id == "c2"
        await pilot.press("up", "down")
        assert (
            app.conversation.inspector.selected_call_id == "c2" and app.conversation.prompt_input.text == ""
        )  # no recall
        await pilot.press("enter")
        assert app.focused is detail  # the call's details, to scroll
        await pilot.press("escape")
        assert app.focused is table
        await pilot.press("escape")
        assert (
            app.focused is app.conversation.prompt_input and app.conversation.inspector.display
        )  # the panel stays open
        # ctrl+t with the keys in the table closes the panel and gives them back to the prompt
        await pilot.press("ctrl+t")
        assert not app.conversation.inspector.display
        await pilot.press("ctrl+t")
        assert app.focused is table
        await pilot.press("ctrl+t")
        assert not app.conversation.inspector.display and app.focused is app.conversation.prompt_input


async def test_letters_typed_in_the_inspector_go_to_the_prompt(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        add_calls(app)
        await pilot.press("ctrl+t")
        assert app.focused is app.conversation.inspector.query_one("#tool-calls", DataTable)
        await pilot.press("h", "i")
        assert app.focused is app.conversation.prompt_input and app.conversation.prompt_input.text == "hi"
        # clicked into the details (as with the mouse), then a burst of typing: nothing is lost
        app.conversation.inspector.query_one("#tool-detail", VerticalScroll).focus()
        await pilot.pause()
        burst(app, *" there")
        await handled(pilot)
        assert app.conversation.prompt_input.text == "hi there"
        assert app.focused is app.conversation.prompt_input


async def test_a_disabled_prompt_takes_no_typing(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        add_calls(app)
        await pilot.press("ctrl+t")
        app.conversation.prompt_input.disabled = True  # as during a replay
        await pilot.press("x", "escape")
        assert app.conversation.prompt_input.text == ""
