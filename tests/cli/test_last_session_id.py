"""``last`` names the latest session wherever a session id is asked for (export, replay, ``--resume``,
compare): the word a user types for "the one I just had"."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from store_samples import add_session

from flux_tui.cli import main
from flux_tui.sessions.store import SessionStore


@pytest.fixture
def env(cli_env: Path) -> Path:
    return cli_env


def test_export_last_exports_the_latest_session(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "data" / "sessions.db"
    add_session(db, "The older question", "An older answer.")
    time.sleep(0.01)  # the later session's events are later
    add_session(db, "The newer question", "A newer answer.")
    assert main(["export", "last", "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "The newer question" in markdown and "The older question" not in markdown


def test_last_with_no_session_says_there_is_none(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "last"]) == 1
    assert "there is no saved session yet" in capsys.readouterr().err


def test_the_store_resolves_last_and_still_resolves_prefixes(env: Path) -> None:
    db = env / "data" / "sessions.db"
    first = add_session(db, "One", "1")
    time.sleep(0.01)
    second = add_session(db, "Two", "2")
    with SessionStore(db) as store:
        assert store.resolve_id("last") == second
        assert store.resolve_id(first[:8]) == first
