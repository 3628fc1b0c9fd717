"""Tab completes saved sessions' ids after /resume and /replay, and /resume ID opens that session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, wait_until

from flux_tui.ui.commands import complete


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def test_complete_offers_session_ids_for_resume_and_replay() -> None:
    asked: list[str] = []

    def sessions() -> list[str]:
        asked.append("sessions")
        return ["4fa01c2b9d10", "4fb7e3aa0c21", "9c0d1e2f3a4b"]

    def done(text: str) -> list[str]:
        return complete(text, providers=["anthropic"], models=["m"], sessions=sessions)

    assert done("/replay ") == ["/replay 4fa01c2b9d10", "/replay 4fb7e3aa0c21", "/replay 9c0d1e2f3a4b"]
    assert done("/resume 4f") == ["/resume 4fa01c2b9d10", "/resume 4fb7e3aa0c21"]
    assert done("/RESUME 4fb") == ["/RESUME 4fb7e3aa0c21"]
    asked.clear()
    assert done("/model ") == ["/model m"]
    assert done("/res") == ["/resume "]
    assert asked == []  # the store is asked only for the commands that take a session


async def test_tab_completes_session_ids_and_resume_opens_the_session(config: Any) -> None:
    with rig.open_store(config) as store:
        older = rig.store_session(store, [("older question", "older answer")], start=1_700_000_000.0)
        newer = rig.store_session(store, [("newer question", "newer answer")], start=1_700_500_000.0)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/replay ", "tab")
            assert app.conversation.prompt_input.text == f"/replay {newer}"  # the newest first
            await pilot.press("tab")
            assert app.conversation.prompt_input.text == f"/replay {older}"
            app.conversation.prompt_input.clear()
            await pilot.press(*f"/resume {older[:6]}", "tab")
            assert app.conversation.prompt_input.text == f"/resume {older}"
            await pilot.press("enter")
            await wait_until(
                pilot, lambda: [p.prompt for p in app.conversation.chat.prompts] == ["older question"]
            )
            assert app.session_actions is not None
            await wait_until(pilot, lambda: app.session_actions.service.current_session_id == older)
    finally:
        rig.close(app)


async def test_resume_with_an_unknown_id_says_so(config: Any) -> None:
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/resume nosuchsession", "enter")
            await pilot.pause()
            notices = [line.text for line in app.conversation.chat.query("NoticeLine")]
            assert any("no session 'nosuchsession'" in text for text in notices), notices
    finally:
        rig.close(app)
