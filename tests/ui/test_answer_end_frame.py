"""The end of an answer is drawn as soon as its widgets are mounted, not at the screen timer's next tick."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import textual.screen
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.core.agent_events import AgentEvent, TurnFinished

# The screen's update timer ticks this far apart in the test: a frame that waits for a tick shows it.
SLOW_TICK = 5.0


async def test_the_answers_end_is_drawn_at_once(
    make_app: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", SLOW_TICK)  # read when the screen makes its timer
    fake_api.queue_anthropic_text(["Some ", "words ", "and ", "then ", "the ", "end."], tokens_per_second=20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        loop = asyncio.get_running_loop()
        ended: list[float] = []
        apply = app.apply_agent_event

        def spy(event: AgentEvent) -> None:
            apply(event)
            if isinstance(event, TurnFinished):
                ended.append(loop.time())

        monkeypatch.setattr(app, "apply_agent_event", spy)
        shown: list[float] = []  # frames written with the whole answer in them
        display = app._display

        def watch(screen: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:  # what Textual would write
                answers = app.conversation.chat.answers
                chunks = answers[-1].chunks if answers else []
                if chunks and answers[-1].text.endswith("end.") and all(c.settled.is_set() for c in chunks):
                    shown.append(loop.time())
            display(screen, renderable)

        app._display = watch  # type: ignore[method-assign]
        await type_text(pilot, app, "hello")
        await pilot.press("enter")
        # Not pilot.pause(): it draws a frame itself, whatever the screen's timer says.
        await wait_until(pilot, lambda: shown, timeout=3 * SLOW_TICK)
        assert ended, "the turn never finished"
        assert shown[0] - ended[0] < SLOW_TICK / 4, "the end waited for the screen timer's tick"
        await finish_turn(pilot, app)
