"""Keys typed while the chat has the focus (after a click or a drag-select in an answer) reach the
prompt instead of vanishing: printable keys and Enter (sends)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from ui_pilot import SIZE, send, wait_until

from flux_tui.ui.app import FluxApp


async def answered(make_app: Callable[..., FluxApp], fake_api: Any, body: Any) -> None:
    fake_api.queue_anthropic_text("Read the file with pathlib, it is the shortest way.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await send(pilot, app, "How do I read a file?")
        await pilot.pause()
        await body(pilot, app, answer)


async def test_typing_after_a_click_in_an_answer_reaches_the_prompt(
    make_app: Callable[..., FluxApp], fake_api: Any
) -> None:
    async def body(pilot: Pilot[Any], app: FluxApp, answer: Any) -> None:
        await pilot.click(answer.chunks[0], offset=(3, 0))
        await pilot.pause()
        assert app.focused is not app.conversation.prompt_input  # the click took the focus away
        await pilot.press("a", "b", "c")
        await pilot.pause()
        assert app.focused is app.conversation.prompt_input
        assert app.conversation.prompt_input.text == "abc"
        fake_api.queue_anthropic_text("second answer")
        prompts = len(app.conversation.chat.prompts)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.conversation.chat.prompts) > prompts)

    await answered(make_app, fake_api, body)


async def test_typing_after_a_drag_select_and_copy_reaches_the_prompt(
    make_app: Callable[..., FluxApp], fake_api: Any
) -> None:
    async def body(pilot: Pilot[Any], app: FluxApp, answer: Any) -> None:
        chunk = answer.chunks[0]
        await pilot.mouse_down(chunk, offset=(9, 0))
        await pilot.hover(chunk, offset=(10, 0))
        await pilot.hover(chunk, offset=(17, 0))
        await pilot.mouse_up(chunk, offset=(17, 0))
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.press("x", "y")
        await pilot.pause()
        assert app.conversation.prompt_input.text == "xy"

    await answered(make_app, fake_api, body)
