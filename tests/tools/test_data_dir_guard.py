"""The file tools never write into flux-tui's data directory (sessions.db, logs), even in the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.config import Config
from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.sessions.store import SessionStore
from flux_tui.tools import ToolBox


async def call(box: ToolBox, name: str, **args: Any) -> ToolOutcome:
    prepared = box.prepare(ToolCall("id", name, args))
    if prepared.error is not None:
        return ToolOutcome(prepared.error, is_error=True)
    return await box.run(prepared)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "data" / "logs").mkdir(parents=True)
    (tmp_path / "data" / "logs" / "flux-tui.log").write_text("log line\n")
    return tmp_path


async def test_writes_and_edits_in_the_data_dir_are_refused(ws: Path) -> None:
    box = ToolBox(ws, yolo=True, protected=[ws / "data"])
    for name, args in [
        ("write_file", {"path": "data/sessions.db", "content": "oops"}),
        ("write_file", {"path": str(ws / "data" / "new.txt"), "content": "oops"}),
        ("write_file", {"path": "data/../data/logs/flux-tui.log", "content": "oops"}),
        ("edit_file", {"path": "data/logs/flux-tui.log", "old_string": "log", "new_string": "gol"}),
    ]:
        out = await call(box, name, **args)
        assert out.is_error, (name, args)
        assert "inside flux-tui's data directory" in out.content and "never write there" in out.content
    assert not (ws / "data" / "sessions.db").exists() and not (ws / "data" / "new.txt").exists()
    assert (ws / "data" / "logs" / "flux-tui.log").read_text() == "log line\n"
    # Elsewhere in the workspace, and reading, are unaffected.
    assert not (await call(box, "write_file", path="ok.txt", content="fine\n")).is_error
    assert not (await call(box, "read_file", path="data/logs/flux-tui.log")).is_error


async def test_a_link_into_the_data_dir_is_refused(ws: Path) -> None:
    (ws / "db-link").symlink_to(ws / "data" / "sessions.db")
    box = ToolBox(ws, yolo=True, protected=[ws / "data"])
    out = await call(box, "write_file", path="db-link", content="oops")
    assert out.is_error and "data directory" in out.content


async def test_the_config_data_dir_protects_the_session_database(ws: Path) -> None:
    config = Config(workspace=ws, data_dir=ws / "data")
    with SessionStore(config.data_path / "sessions.db") as store:
        session_id = store.create_session("kept")
    box = ToolBox.from_config(config, yolo=True)
    out = await call(box, "write_file", path="data/sessions.db", content="not a database\n")
    assert out.is_error and "data directory" in out.content
    out = await call(box, "write_file", path="data/sessions.db-wal", content="x")
    assert out.is_error
    with SessionStore(config.data_path / "sessions.db") as store:
        assert store.get(session_id).id == session_id
