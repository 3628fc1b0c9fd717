"""Names and text from outside are not trusted: an imported session id cannot steer a file path, and
nothing printed to a terminal (ids, titles, the model's answer, tool output) carries escape sequences."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from flux_tui.cli import main
from flux_tui.core.agent_events import Notice
from flux_tui.core.config import Config
from flux_tui.core.terminal_text import TerminalFilter, terminal_safe
from flux_tui.headless import run_headless
from flux_tui.services.sessions import SessionService
from flux_tui.sessions import SessionStore

TRAVERSAL = "x/../../../../trav"
EVIL_TITLE = "Nice title\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZWNobyBoaQ==\x07 end\r\x9b31m"
EVIL_ID = "ab\x1b[31mcd"


def export_line(session_id: str, title: str) -> str:
    header = {
        "format": "flux-tui-session",
        "version": 1,
        "schema_version": 2,
        "session": {"id": session_id, "title": title, "title_custom": True, "created_at": 1.7e9, "meta": {}},
    }
    return json.dumps(header) + "\n"


def import_file(work: Path, session_id: str, title: str = "t") -> Path:
    path = work / "import.jsonl"
    path.write_text(export_line(session_id, title), encoding="utf-8")
    return path


def stored(data: Path) -> list[Any]:
    with SessionStore(data / "sessions.db") as store:
        return store.list_sessions(include_empty=True)


def test_an_imported_id_that_could_be_a_path_is_replaced(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(import_file(cli_env / "work", TRAVERSAL))]) == 0
    [info] = stored(cli_env / "data")
    assert info.id != TRAVERSAL and "/" not in info.id and "." not in info.id
    assert info.meta["imported_id"] == TRAVERSAL  # kept, as data
    assert f"Imported session {info.id}" in capsys.readouterr().out


def test_the_default_export_path_stays_in_the_exports_folder() -> None:
    """Even for an id stored before ids were checked."""
    service = SessionService(None)
    folder = service.exports_dir
    for session_id in (TRAVERSAL, "..", EVIL_ID, "/etc/passwd"):
        info = SimpleNamespace(id=session_id, title="../../up")
        path = service.default_export_path(info, "md")  # type: ignore[arg-type]
        assert path.parent == folder and path.resolve().parent == folder.resolve(), session_id
        assert terminal_safe(path.name) == path.name


def test_import_and_list_print_no_escape_sequences(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(import_file(cli_env / "work", EVIL_ID, EVIL_TITLE))]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\r" not in out and "\x07" not in out
    assert "Nice title" in out
    # A session with events, so the list shows it; its id is from before ids were checked.
    with SessionStore(cli_env / "data" / "sessions.db") as store:
        [info] = store.list_sessions(include_empty=True)
        store._conn.execute("UPDATE sessions SET id = ? WHERE id = ?", (EVIL_ID, info.id))
        store.append(EVIL_ID, [Notice(level="info", text="hello")])
    assert main(["sessions", "list"]) == 0
    listed = capsys.readouterr().out
    assert "\x1b" not in listed and "\x9b" not in listed and "\x07" not in listed and "\r" not in listed
    assert "abcd" in listed and "Nice title" in listed
    assert main(["export", "nosuch\x1b]0;x\x07"]) == 1
    assert "\x1b" not in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


ANSWER = "Done.\x1b]0;pwned\x07 Colours: \x1b[31mred\x1b[0m\r\n\x1b]52;c;ZWNobyBoaQ==\x07Bye."


def config_for(api: Any, workspace: Path) -> Config:
    return Config(
        provider="openai",
        model="gpt-4o",
        workspace=workspace,
        openai_api_key="sk-test-openai-0123456789abcdef",
        openai_base_url=api.openai_base_url,
    )


async def test_headless_strips_the_models_escapes_on_a_terminal(fake_api: Any, tmp_path: Path) -> None:
    fake_api.queue_openai_tool_calls([("call_1", "list_files\x1b[2J", {"path": "\x1b]0;t\x07."})])
    fake_api.queue_openai_text(ANSWER)
    out, err = Terminal(), Terminal()
    assert await run_headless(config_for(fake_api, tmp_path), "hi", out=out, err=err) == 0
    assert out.getvalue() == "Done. Colours: red\nBye.\n"
    assert "\x1b" not in err.getvalue() and "\x07" not in err.getvalue()
    assert "[tool] list_files" in err.getvalue()


async def test_headless_keeps_the_answer_exact_when_redirected(fake_api: Any, tmp_path: Path) -> None:
    fake_api.queue_openai_text(ANSWER)
    out, err = io.StringIO(), io.StringIO()
    assert await run_headless(config_for(fake_api, tmp_path), "hi", out=out, err=err) == 0
    assert out.getvalue() == ANSWER + "\n"


def test_a_sequence_cut_between_two_pieces_is_still_removed() -> None:
    cleaned = TerminalFilter()
    pieces = ["a\x1b", "]0;ti", "tle\x07b\x1b[3", "1mc\r", "\nd"]
    assert "".join(cleaned.feed(piece) for piece in pieces) + cleaned.flush() == "abc\nd"
