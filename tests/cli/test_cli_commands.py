"""Smoke tests of the command line through ``flux_tui.cli.main``: the session subcommands against a
store in a temporary ``FLUX_DATA_DIR``, and ``run`` against the fake API server (it is recorded too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from store_samples import add_session

from flux_tui.cli import main


@pytest.fixture
def env(cli_env: Path) -> Path:
    """No real key or config leaks in; sessions live in ``tmp_path/data``; the cwd is the workspace."""
    return cli_env


def test_sessions_list(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "list"]) == 0
    assert "No saved sessions yet." in capsys.readouterr().out
    db = env / "data" / "sessions.db"
    session_id = add_session(db, "What is a monad?", "A monoid in the category of endofunctors.")
    assert main(["sessions", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["ID", "TITLE"]
    assert lines[1].startswith(session_id) and "What is a monad?" in lines[1] and "openai:gpt-4o" in lines[1]


def test_export_and_import_round_trip(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    session_id = add_session(env / "data" / "sessions.db", "Explain recursion", "See: recursion.")
    assert main(["export", session_id[:6], "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "Explain recursion" in markdown and "See: recursion." in markdown

    exported = env / "work" / "session.jsonl"
    assert main(["export", session_id, "--format", "jsonl", "-o", str(exported)]) == 0
    original = exported.read_text()

    monkeypatch.setenv("FLUX_DATA_DIR", str(env / "other-data"))  # another machine
    assert main(["import", str(exported)]) == 0
    assert f"Imported session {session_id}" in capsys.readouterr().out
    again = env / "work" / "again.jsonl"
    assert main(["export", session_id, "--format", "jsonl", "-o", str(again)]) == 0
    # The same events; the header's title says it is an import (test_titles_and_export).
    assert again.read_text().splitlines()[1:] == original.splitlines()[1:]
    assert '"title":"Explain recursion (imported)"' in again.read_text().splitlines()[0]


def test_export_of_an_unknown_session_fails(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "nosuchid"]) == 1
    assert "no session 'nosuchid'" in capsys.readouterr().err


def test_run_against_the_fake_server_is_recorded(
    env: Path, fake_api: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-openai-key")
    monkeypatch.setenv("FLUX_PROVIDER", "openai")
    fake_api.queue_openai_text(
        "Hello from the fake server.", usage={"prompt_tokens": 12, "completion_tokens": 6}
    )
    assert main(["run", "say hello"]) == 0
    # (Not read from stdout: run_headless binds sys.stdout when imported, before pytest's capture.)
    request = fake_api.last_request("/v1/chat/completions")
    assert request.body["messages"][-1]["content"] == "say hello"
    assert request.headers["authorization"] == "Bearer test-openai-key"

    capsys.readouterr()
    assert main(["sessions", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and "say hello" in listed[1] and "openai:" in listed[1]
    assert main(["export", listed[1].split()[0]]) == 0
    assert "Hello from the fake server." in capsys.readouterr().out
