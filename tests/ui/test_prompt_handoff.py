"""Enter hands the prompt from the input to the chat in one frame: no frame shows the input emptied
with the prompt not yet in the chat (text that seemed to vanish, for up to the first frame's hold)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from ui_pilot import SIZE, finish_turn, frames_written, type_text, wait_until

from flux_tui.ui import turn_control as turns
from flux_tui.ui.app import FluxApp


def watch_handoff(app: FluxApp) -> list[tuple[str, int]]:
    """(the input's text, prompts in the chat) in every frame the app writes."""
    conversation = app.conversation
    return frames_written(app, lambda: (conversation.prompt_input.text, len(conversation.chat.prompts)))


@pytest.mark.parametrize("answer_delay", [0.0, 0.3])
async def test_no_frame_shows_the_prompt_gone_from_both(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch, answer_delay: float
) -> None:
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 0.05)
    fake_api.queue_anthropic_text("An answer.", first_byte_delay=answer_delay)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "hello there")
        await asyncio.sleep(0.1)
        frames = watch_handoff(app)
        prompt_input = app.conversation.prompt_input
        clear = prompt_input.clear
        held_when_cleared: list[bool] = []

        def spy() -> Any:
            # In a terminal the screen's timer can tick between the input's clearing and the app
            # taking the prompt, a few messages later; the pilot seldom lets it, so the screen must
            # already be held when the input empties.
            held_when_cleared.append(app._batch_count > 0)
            return clear()

        monkeypatch.setattr(prompt_input, "clear", spy)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(prompts == 1 for _, prompts in frames))
        await finish_turn(pilot, app)
        assert held_when_cleared == [True]
        assert ("", 0) not in frames, frames[:4]
