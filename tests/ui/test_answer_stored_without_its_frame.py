"""An answer held for the frame that shows its end is stored within the recorder's flush interval even
when that frame never comes, so a crash loses no more of it than of any other event."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, type_text, wait_until

from flux_tui.sessions import SessionStore


def stored_answer(app: Any) -> bool:
    """Read as another process would after a crash (asking the app's session id writes what it holds)."""
    with SessionStore(app.session_actions.service.store.path) as store:
        return any(
            e.kind == "message" and e.message.get("role") == "assistant"
            for info in store.list_sessions(include_empty=True)
            for e in store.events(info.id)
        )


async def test_an_answer_whose_end_frame_never_comes_is_stored_anyway(
    sandbox: Path, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Paced past the first frame: the end's frame is then the one the answer waits for.
    fake_api.queue_anthropic_text(["Held ", "for ", "a ", "frame ", "answer."], delay=0.1)
    app = rig.make(rig.sandbox_config(fake_api))
    try:
        async with app.run_test(size=SIZE) as pilot:
            never = asyncio.Event()
            monkeypatch.setattr(app.conversation, "drawn", never.wait)  # the end's frame never comes
            await type_text(pilot, app, "hello")
            await pilot.press("enter")
            await wait_until(pilot, lambda: not app.busy and bool(app.conversation.chat.answers))
            await wait_until(pilot, lambda: stored_answer(app), timeout=2.0)
            never.set()
    finally:
        rig.close(app)


async def test_a_closing_screen_runs_the_callbacks_at_once(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ran: list[str] = []
        monkeypatch.setattr(app.screen, "call_after_refresh", lambda callback: False)  # its queue closed
        app._after_end_frame.append(lambda: ran.append("stored"))
        app._run_after_end_frame()
        assert ran == ["stored"]  # not dropped, for the backstop would find nothing left to run
