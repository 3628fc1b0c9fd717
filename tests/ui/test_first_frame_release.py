"""The held first frame: released by the answer (not by a notice before it), then drawn at once, not at
the screen timer's next tick."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import textual.screen
from test_first_frame import watch_frames
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.core.agent_events import Notice, TextDelta, TurnStarted
from flux_tui.ui import turn_control as turns

# The screen's update timer ticks this far apart in the test: a frame that waits for a tick shows it.
SLOW_TICK = 5.0


async def test_a_quick_answer_is_drawn_as_soon_as_it_is_released(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", SLOW_TICK)  # read when the screen makes its timer
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)  # released by the answer, never by the backstop
    fake_api.queue_anthropic_text("Quick answer.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        loop = asyncio.get_running_loop()
        released: list[float] = []
        release = app._release_first_frame

        def spy() -> None:
            released.append(loop.time())
            release()

        monkeypatch.setattr(app, "_release_first_frame", spy)
        frames = watch_frames(app)
        await type_text(pilot, app, "hello")
        await pilot.press("enter")
        # Not pilot.pause() (ui_pilot.send): it draws a frame itself, whatever the screen's timer says.
        await wait_until(
            pilot, lambda: any(prompts == 1 and shown for _, prompts, shown in frames), timeout=2 * SLOW_TICK
        )
        drawn = [at for at, prompts, has_answer in frames if prompts == 1 and has_answer]
        assert released, "the first frame was never held"
        assert drawn[0] - released[0] < SLOW_TICK / 4, "the frame waited for the screen timer's tick"
        await finish_turn(pilot, app)
        assert app._batch_count == 0


async def test_a_notice_before_the_answer_does_not_release_the_first_frame(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request that leaves out earlier turns says so before it is sent: the answer follows it.
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app._hold_first_frame()
        app.event_sink(TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"))
        app.event_sink(Notice(text="Left out 3 earlier turns (~900 tokens) to fit the window."))
        await asyncio.sleep(0.2)
        assert app._first_frame_held and app._first_frame_release is None, "released by the notice"
        app.event_sink(TextDelta(text="The answer."))
        await wait_until(pilot, lambda: not app._first_frame_held)
        assert app._batch_count == 0
