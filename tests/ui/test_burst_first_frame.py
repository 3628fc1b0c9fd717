"""An answer that comes faster than the screen shows it (a burst): its first frame waits for its end, so it
is drawn once, not as its first words and then its end; it waits no longer than ``BURST_FRAME_WAIT``, and
not at all for anything but more text."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from key_guard_support import wait_out_key_guard
from ui_pilot import SIZE, finish_turn, frames_written, type_text, wait_until

from flux_tui.core.agent_events import TextDelta, TurnFinished, TurnStarted
from flux_tui.ui import turn_control as turns
from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.approval import ApprovalScreen

BURST = "fast" * 600  # one delta of 2,400 characters: the first events of an answer streaming very fast
END = " and the end."


def watch_answers(app: FluxApp) -> list[str]:
    """The last answer's text in every frame the app writes ("" while there is none)."""
    chat = app.conversation.chat
    return frames_written(app, lambda: chat.answers[-1].text if chat.answers else "")


async def submit(pilot: Any, app: FluxApp, text: str) -> None:
    """Type ``text`` and press Enter, without waiting for the answer."""
    await type_text(pilot, app, text)
    await pilot.press("enter")


@pytest.fixture
def long_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Neither backstop decides these tests: the frame is released by the answer's end, or not held.
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)
    monkeypatch.setattr(turns, "BURST_FRAME_WAIT", 30.0)


@pytest.mark.usefixtures("long_waits")
async def test_an_answer_that_comes_as_a_burst_is_drawn_once_whole(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text([BURST, END], stall_after=1, stall_seconds=0.3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        frames = watch_answers(app)
        await submit(pilot, app, "hello")
        await finish_turn(pilot, app)
        drawn = [text for text in frames if text]
        assert drawn and drawn[0] == BURST + END, "the burst's first words were drawn before its end"
        assert app._batch_count == 0


async def test_a_burst_that_goes_on_is_drawn_after_burst_frame_wait(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)
    monkeypatch.setattr(turns, "BURST_FRAME_WAIT", 0.3)
    fake_api.queue_anthropic_text([BURST, END], stall_after=1, stall_seconds=4.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        frames = watch_answers(app)
        loop = asyncio.get_running_loop()
        await submit(pilot, app, "hello")
        started = loop.time()
        await wait_until(pilot, lambda: BURST in frames, timeout=3.0)
        assert loop.time() - started < 3.0 and app.turn_running  # drawn while the answer goes on
        await finish_turn(pilot, app)
        assert frames[-1] == BURST + END


@pytest.mark.usefixtures("long_waits")
async def test_a_tool_call_after_a_burst_is_shown_at_once(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_tool_use(
        [("toolu_w", "write_file", {"path": "notes.txt", "content": "hi"})],
        text=BURST,
        stall_after=1,
        stall_seconds=0.3,
    )
    fake_api.queue_anthropic_text("Left as it was.")  # the answer after the call is denied
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, app, "write it")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen), timeout=5.0)
        await wait_until(pilot, lambda: not app._first_frame_held, timeout=5.0)
        assert app._batch_count == 0
        await wait_out_key_guard(app.screen)
        await pilot.press("escape")
        await finish_turn(pilot, app)


@pytest.mark.usefixtures("long_waits")
async def test_a_burst_after_a_first_small_read_is_caught_while_the_answer_mounts(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream's first network read often holds its first event alone: the text is counted over the
    deliveries that come before the frame."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        gate = asyncio.Event()
        mounted = app.conversation.chat.mounted

        async def gated() -> None:  # the answer's first widgets take until the gate opens to mount
            await gate.wait()
            await mounted()

        monkeypatch.setattr(app.conversation.chat, "mounted", gated)
        app._hold_first_frame()
        app.event_sink(TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"))
        app.event_sink(TextDelta(text="Hi "))
        await wait_until(pilot, lambda: app._first_frame_release is not None)
        app.event_sink(TextDelta(text=BURST))
        await wait_until(pilot, lambda: app._burst_hold)
        gate.set()
        await asyncio.sleep(0.2)
        assert app._first_frame_held, "released before the burst's end"
        app.event_sink(TurnFinished(stop_reason="end_turn"))
        await wait_until(pilot, lambda: not app._first_frame_held)
        assert app._batch_count == 0
