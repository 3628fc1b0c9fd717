"""While a replay plays, what it refuses says so in a replay's words (not "an answer is streaming"), and the
footer leaves out the keys it refuses (clear, sessions)."""

from __future__ import annotations

from typing import Any

from textual.widgets._footer import FooterKey
from ui_pilot import SIZE, wait_until

from flux_tui.sessions import load_demo
from flux_tui.ui.turn_control import REPLAYING
from flux_tui.ui.widgets.chat_items import NoticeLine


def _footer_actions(app: Any) -> set[str]:
    keys = app.conversation.query(FooterKey)
    return {key.action.rpartition(".")[2] for key in keys if key.display}


async def test_a_replay_refuses_in_its_own_words_and_its_footer_drops_what_it_refuses(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.conversation.query(FooterKey))
        assert {"clear", "sessions"} <= _footer_actions(app)
        app.session_actions = None
        from flux_tui.ui.replay_controller import ReplayController

        controller = ReplayController(app, load_demo(), speed=None, start_paused=True)
        assert controller.start()
        await wait_until(pilot, lambda: app.mode == "replay")
        await pilot.pause()
        assert not {"clear", "sessions"} & _footer_actions(app)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: app.conversation.chat.query(NoticeLine))
        assert app.conversation.chat.query(NoticeLine).last().text == REPLAYING
        controller.close()
        await controller.wait_closed()
        await wait_until(pilot, lambda: app.mode == "live")
        await pilot.pause()
        assert {"clear", "sessions"} <= _footer_actions(app)
