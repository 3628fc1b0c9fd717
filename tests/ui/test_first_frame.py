"""The first frame after Enter: a quick answer is drawn with its prompt, a slow one after it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from ui_pilot import SIZE, finish_turn, frames_written, send, type_text, wait_until

from flux_tui.core.agent_events import TextDelta, TurnFinished, TurnStarted
from flux_tui.ui import turn_control as turns
from flux_tui.ui.app import FluxApp


def watch_frames(app: FluxApp) -> list[tuple[float, int, bool]]:
    """Every frame the app writes: (loop time, prompts in the chat, the last answer's text is in it:
    received, and its widget mounted, so the frame lays it out)."""
    loop = asyncio.get_running_loop()

    def frame() -> tuple[float, int, bool]:
        answers = app.conversation.chat.answers
        chunks = answers[-1].chunks if answers else []
        shown = bool(chunks) and all(chunk.is_mounted and chunk.text for chunk in chunks)
        return loop.time(), len(app.conversation.chat.prompts), shown

    return frames_written(app, frame)


async def test_a_quick_answer_shares_the_prompts_frame(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window far longer than the answer takes: the frame must be released by the answer, not by it.
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)
    fake_api.queue_anthropic_text("Quick answer.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        frames = watch_frames(app)
        started = asyncio.get_running_loop().time()
        answer = await send(pilot, app, "hello")
        assert answer.text == "Quick answer."
        with_prompt = [frame for frame in frames if frame[1] == 1]
        assert with_prompt, "the prompt was never drawn"
        at, _, has_answer = with_prompt[0]
        assert has_answer, "the prompt was drawn on its own although the answer was already there"
        assert at - started < 30.0
        assert app._batch_count == 0


async def test_a_slow_answer_gets_the_prompt_drawn_first(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 0.05)
    fake_api.queue_anthropic_text("Slow answer.", first_byte_delay=1.5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        frames = watch_frames(app)
        answer = await send(pilot, app, "hello")
        assert answer.text == "Slow answer."
        with_prompt = [frame for frame in frames if frame[1] == 1]
        assert with_prompt and not with_prompt[0][2], "the prompt waited for the answer"
        assert any(has_answer for _, _, has_answer in with_prompt)
        assert app._batch_count == 0


async def test_a_failed_request_releases_the_screen(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_error("anthropic", 401)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        failed = await send(pilot, app, "hello")
        assert failed.state == "failed"
        assert app._batch_count == 0
        assert not app._first_frame_held


async def test_the_first_frame_waits_for_the_answers_widgets(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)
    fake_api.queue_anthropic_text("Quick answer.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        gate = asyncio.Event()
        mounted = app.conversation.chat.mounted

        async def gated() -> None:
            await gate.wait()
            await mounted()

        monkeypatch.setattr(app.conversation.chat, "mounted", gated)
        frames = watch_frames(app)
        await type_text(pilot, app, "hello")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                app.conversation.chat.answers and app.conversation.chat.answers[-1].text == "Quick answer."
            ),
        )
        await asyncio.sleep(0.1)
        assert app._first_frame_held and app._batch_count == 1
        assert not [frame for frame in frames if frame[1] == 1], "drawn before the answer's widgets"
        gate.set()
        await wait_until(pilot, lambda: not app._first_frame_held)
        await finish_turn(pilot, app)
        with_prompt = [frame for frame in frames if frame[1] == 1]
        assert with_prompt and with_prompt[0][2]
        assert app._batch_count == 0


async def test_chat_mounted_waits_for_the_running_answers_chunks(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.conversation.chat
        chat.apply(TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"))
        chat.apply(TextDelta(text="Hello there."))
        answer = chat.current
        assert answer is not None and answer.chunks and not answer.chunks[0].is_mounted
        await chat.mounted()
        assert all(chunk.is_mounted for chunk in answer.chunks)
        assert chat.prompts[-1].is_mounted and answer.is_mounted
        chat.apply(TurnFinished(stop_reason="end_turn"))
        await chat.mounted()  # nothing left to wait for: returns at once
