"""The footer shows Esc's "Cancel answer" while an answer streams, and not while nothing does (Esc then
cancels nothing)."""

from __future__ import annotations

from typing import Any

from textual.widgets._footer import FooterKey
from ui_pilot import SIZE, finish_turn, start_long_answer, wait_until


def _shown(app: Any) -> set[str]:
    keys = app.conversation.query(FooterKey)
    return {str(key.description) for key in keys if key.display}


async def test_cancel_answer_shows_only_while_an_answer_streams(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.conversation.query(FooterKey))
        assert "Help" in _shown(app) and "Cancel answer" not in _shown(app)
        await start_long_answer(pilot, app, fake_api)
        await wait_until(pilot, lambda: "Cancel answer" in _shown(app))
        await pilot.press("escape")
        await finish_turn(pilot, app)
        await pilot.pause()
        assert "Cancel answer" not in _shown(app) and "Help" in _shown(app)
