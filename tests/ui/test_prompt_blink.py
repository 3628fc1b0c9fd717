"""The prompt's cursor stays lit, without blinking, while an answer streams: each blink is a frame of
its own; it blinks again once the answer is over."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, finish_turn, start_long_answer, wait_until


async def test_the_cursor_stays_lit_while_an_answer_streams(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.conversation.prompt_input
        assert prompt.cursor_blink
        await start_long_answer(pilot, app, fake_api)
        await wait_until(pilot, lambda: app.busy)
        assert not prompt.cursor_blink
        assert prompt.has_focus and prompt._draw_cursor  # shown, not blinked away
        await pilot.press("escape")  # the answer stops
        await finish_turn(pilot, app)
        assert not app.busy
        assert prompt.cursor_blink


async def test_a_prompt_told_not_to_blink_stays_so_after_an_answer(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("Short.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.conversation.prompt_input
        prompt.cursor_blink = False
        prompt.insert("hello")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
        await finish_turn(pilot, app)
        assert not prompt.cursor_blink
