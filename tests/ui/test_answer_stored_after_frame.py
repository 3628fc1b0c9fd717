"""In the app, a turn's answer is written to the session store after the frame that shows its end:
storing a long answer is milliseconds of work on the thread that draws, which the user waited for
before that frame. The store still gets every event of the turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
import textual.screen
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.core.agent_events import AgentEvent, MessageCommitted
from flux_tui.sessions import SessionStore

SLOW_TICK = 5.0  # the screen's timer: a callback run on its tick would come seconds late
LAST_WORDS = "and that is the end."


def _ends_with_answer(events: list[AgentEvent]) -> bool:
    return any(isinstance(e, MessageCommitted) and e.message.get("role") == "assistant" for e in events)


async def test_the_answer_is_stored_after_its_end_is_drawn(
    sandbox: Path, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", SLOW_TICK)
    fake_api.queue_anthropic_text(["Some ", "words, ", LAST_WORDS])
    order: list[str] = []
    append = SessionStore.append

    def recording(self: SessionStore, session_id: str, events: Any, **kwargs: Any) -> None:
        if _ends_with_answer(list(events)):
            order.append("stored")
        append(self, session_id, events, **kwargs)

    monkeypatch.setattr(SessionStore, "append", recording)
    app = rig.make(rig.sandbox_config(fake_api))
    try:
        async with app.run_test(size=SIZE) as pilot:
            display = app._display

            def watch(screen: Any, renderable: Any) -> None:
                answers = app.conversation.chat.answers
                shown = bool(answers) and answers[-1].text.endswith(LAST_WORDS)
                if renderable is not None and not app._batch_count and shown and "drawn" not in order:
                    order.append("drawn")
                display(screen, renderable)

            app._display = watch  # type: ignore[method-assign]
            applied: list[AgentEvent] = []
            apply = app.apply_agent_event

            def seen(event: AgentEvent) -> None:
                applied.append(event)
                apply(event)

            monkeypatch.setattr(app, "apply_agent_event", seen)
            await type_text(pilot, app, "hello")
            await pilot.press("enter")
            await wait_until(pilot, lambda: "stored" in order, timeout=3 * SLOW_TICK)
            assert order == ["drawn", "stored"]
            await finish_turn(pilot, app)
            session_id = app.session_actions.service.current_session_id
            assert session_id is not None
            stored = app.session_actions.service.store.events(session_id)
            assert [e.kind for e in stored] == [e.kind for e in applied]  # every event, in order
            assert stored[-1].kind == "turn_finished"
    finally:
        rig.close(app)
