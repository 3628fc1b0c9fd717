"""A turn's events that come after the user quit are not drawn: the screen is being taken down, and
mounting into an answer already off it raised (a traceback and exit code 1 instead of a clean quit).
The session recorder, a sink of its own, keeps them."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, start_long_answer, wait_until

from flux_tui.core.agent_events import TextDelta
from flux_tui.ui.messages import AgentEventsPosted


async def test_events_after_quit_are_not_drawn(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_long_answer(pilot, app, fake_api)
        chat = app.conversation.chat
        await wait_until(pilot, lambda: chat.current is not None and chat.current.text)
        answer = chat.current
        shown = answer.text
        app.exit()  # ctrl+q: the screen is taken down from here on
        app.event_sink(TextDelta(text=" MORE AFTER QUIT"))
        app.on_agent_events_posted(AgentEventsPosted())
        assert "MORE AFTER QUIT" not in answer.text
        assert answer.text.startswith(shown)
