"""An export holds the conversation the session database holds, and is as private: mode 0600, from the
command line and from the sessions browser's service alike."""

from __future__ import annotations

import asyncio
import io
import stat
from pathlib import Path

from flux_tui.core.agent_events import TurnFinished, TurnStarted
from flux_tui.services.sessions import SessionService
from flux_tui.sessions import SessionStore
from flux_tui.sessions.commands import cmd_export


def _store(tmp_path: Path) -> tuple[SessionStore, str]:
    store = SessionStore(tmp_path / "s.db")
    session_id = store.create_session()
    store.append(
        session_id,
        [
            TurnStarted(turn_id="t1", prompt="private", provider="anthropic", model="m"),
            TurnFinished(stop_reason="end_turn"),
        ],
    )
    return store, session_id


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_services_export_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store, session_id = _store(tmp_path)
    service = SessionService(store)
    try:
        written = asyncio.run(service.export(session_id, "md", tmp_path / "out.md"))
    finally:
        service.close()
    assert _mode(written) == 0o600 and "private" in written.read_text()


def test_the_command_lines_export_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store, session_id = _store(tmp_path)
    target = tmp_path / "out.jsonl"
    with store:
        assert cmd_export(store, session_id, "jsonl", io.StringIO(), err=io.StringIO(), output=target) == 0
    assert _mode(target) == 0o600 and "private" in target.read_text()
