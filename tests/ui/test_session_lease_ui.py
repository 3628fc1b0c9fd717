"""Resuming a session that another flux-tui is recording: the app says so and offers a fork or
read-only, and nothing of this app's turns is written into that session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from key_guard_support import wait_out_key_guard
from ui_pilot import SIZE, send, wait_until

from flux_tui.sessions.lease import SessionLease
from flux_tui.ui.screens.session_busy import READ_ONLY, SessionBusyScreen
from flux_tui.ui.widgets.chat_items import NoticeLine


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


@pytest.fixture
def held(config: Any) -> Iterator[str]:
    """A stored session whose lease another flux-tui holds (as its recorder would)."""
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("first question", "first answer")])
    other = SessionLease.acquire(config.data_path / "sessions.db", session_id)
    yield session_id
    other.release()


def notices(app: Any) -> list[str]:
    return [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]


def turns_of(config: Any) -> dict[str, tuple[int, Any]]:
    with rig.open_store(config) as store:
        return {
            info.id: (info.turns, info.meta.get("forked_from", {}).get("session_id"))
            for info in store.list_sessions()
        }


async def test_resume_offers_a_fork_and_records_there(config: Any, fake_api: Any, held: str) -> None:
    app = rig.make(config, resume=held)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, SessionBusyScreen))
            assert any("being recorded by another flux-tui" in text for text in notices(app))
            await wait_out_key_guard(app.screen)
            await pilot.press("f")
            assert app.session_actions is not None
            sessions = app.session_actions.service
            await wait_until(pilot, lambda: sessions.current_session_id not in (None, held))
            fake_api.queue_anthropic_text("second answer")
            await send(pilot, app, "second question")
            sent = fake_api.last_request("/v1/messages").body["messages"]
            assert [m["role"] for m in sent] == ["user", "assistant", "user"]  # the history came along
            forked = sessions.current_session_id
            await app.workers.wait_for_complete()
    finally:
        rig.close(app)
    assert turns_of(config) == {held: (1, None), forked: (2, held)}


async def test_read_only_goes_on_in_a_copy_at_the_first_prompt(config: Any, fake_api: Any, held: str) -> None:
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            actions = app.session_actions
            assert actions is not None
            actions.open_session(held)  # as the sessions browser does
            await wait_until(pilot, lambda: isinstance(app.screen, SessionBusyScreen))
            await wait_out_key_guard(app.screen)
            await pilot.press("r")
            await wait_until(pilot, lambda: READ_ONLY.format(id=held) in notices(app))
            assert actions.service.current_session_id is None  # nothing recorded yet, and never into `held`
            fake_api.queue_anthropic_text("second answer")
            await send(pilot, app, "second question")
            copy = actions.service.current_session_id
            await app.workers.wait_for_complete()
    finally:
        rig.close(app)
    assert copy is not None and copy != held
    assert turns_of(config) == {held: (1, None), copy: (2, held)}
