"""Right after Enter, the screen takes the turn's first events an event-loop iteration after they come,
so the request, sent by the same task after them, leaves first: its body is written after that task's
one yield, and the screen's work on the prompt runs after it, while the server reads the body."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from ui_pilot import SIZE

from flux_tui.core.agent_events import TextDelta, TurnStarted
from flux_tui.ui import turn_control as turns
from flux_tui.ui.messages import AgentEventsPosted


async def test_the_first_events_reach_the_screen_an_iteration_later(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "FIRST_FRAME_WAIT", 30.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        posted: list[Any] = []
        post = app.post_message
        monkeypatch.setattr(app, "post_message", lambda message: (posted.append(message), post(message))[1])
        app._hold_first_frame()
        app.event_sink(TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"))
        assert posted == [], "the screen was pinged before the task that sends the request yielded"
        await asyncio.sleep(0)  # the task's one yield between the request's headers and its body
        assert [type(m) for m in posted] == [AgentEventsPosted]
        app.event_sink(TextDelta(text="The answer."))
        await asyncio.sleep(0.2)
        assert not app._first_frame_held and not app._inbox


async def test_once_the_answer_shows_events_reach_the_screen_at_once(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app._first_frame_held
        posted: list[Any] = []
        post = app.post_message
        monkeypatch.setattr(app, "post_message", lambda message: (posted.append(message), post(message))[1])
        app.event_sink(TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"))
        assert [type(m) for m in posted] == [AgentEventsPosted]
