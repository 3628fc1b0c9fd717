"""Keys typed in one burst right after a click in the chat all reach the prompt, in order.

The click gives the chat the focus; the app hands every key of a burst it has read to the focused
widget (the chat) before the chat reads the first one, which moves the focus to the prompt. The rest
of the burst is still queued at the chat, and must be forwarded too although the prompt has the focus
by then. ``pilot.press`` waits for the app to go idle after each key, which hides this: ``burst``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ui_pilot import SIZE, burst, handled, send, wait_until

from flux_tui.ui.app import FluxApp


async def test_a_burst_typed_after_a_click_in_the_chat_all_reaches_the_prompt(
    make_app: Callable[..., FluxApp], fake_api: Any
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(app.conversation.chat, offset=(10, 5))
        await pilot.pause()
        assert app.focused is app.conversation.chat  # the click took the focus
        burst(app, *"hello world")
        await handled(pilot)
        assert app.focused is app.conversation.prompt_input
        assert app.conversation.prompt_input.text == "hello world"


async def test_a_burst_ending_in_enter_after_a_click_in_an_answer_sends_it_whole(
    make_app: Callable[..., FluxApp], fake_api: Any
) -> None:
    fake_api.queue_anthropic_text("Read the file with pathlib, it is the shortest way.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await send(pilot, app, "How do I read a file?")
        await pilot.pause()
        await pilot.click(answer.chunks[0], offset=(3, 0))
        await pilot.pause()
        assert app.focused is not app.conversation.prompt_input
        fake_api.queue_anthropic_text("second answer")
        sent = len(fake_api.requests_to("/v1/messages"))
        burst(app, *"and write?", "enter")
        await wait_until(pilot, lambda: len(fake_api.requests_to("/v1/messages")) > sent)
        messages = fake_api.last_request("/v1/messages").body["messages"]
        assert messages[-1]["content"][-1]["text"] == "and write?"
        assert app.conversation.prompt_input.text == ""


@pytest.mark.parametrize(
    ("before", "cursor", "keys", "expected"),
    [
        ("", None, [*"abc", "backspace", *"defg"], "abdefg"),
        ("", None, ["backspace", *"xyz"], "xyz"),
        ("", None, [*"abc", "left", "d"], "abdc"),
        ("one two three", None, ["ctrl+w"], "one two "),  # the keys that delete words and lines too
        ("one two three", None, ["ctrl+u"], ""),
        ("one two three", 11, ["ctrl+k"], "one two thr"),
    ],
)
async def test_editing_keys_typed_at_the_chat_edit_the_prompt_in_the_order_typed(
    make_app: Callable[..., FluxApp], before: str, cursor: int | None, keys: list[str], expected: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.conversation.prompt_input
        prompt.insert(before)
        if cursor is not None:
            prompt.move_cursor((0, cursor))
        await _focus_the_chat(pilot, app)
        burst(app, *keys)
        await handled(pilot)
        assert prompt.text == expected
        assert app.focused is prompt


async def _focus_the_chat(pilot: Any, app: FluxApp) -> None:
    """A click in the chat: it takes the focus from the prompt."""
    await pilot.click(app.conversation.chat, offset=(10, 5))
    await pilot.pause()
    assert app.focused is app.conversation.chat
