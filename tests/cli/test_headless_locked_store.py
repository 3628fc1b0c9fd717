"""``flux-tui run`` while another process holds the session database's write lock: the writes are tried
again as in the app, and a run that cannot be saved says so on stderr and does not exit 0."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from store_samples import add_session

from flux_tui import headless_session
from flux_tui.cli import main
from flux_tui.sessions import SessionStore, connect
from flux_tui.sessions.models import EXIT_STORE


@pytest.fixture
def db(openai_fake: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(connect, "BUSY_TIMEOUT", 0.05)
    monkeypatch.setattr(headless_session, "SAVE_TIMEOUT", 1.5)
    path = Path(os.environ["FLUX_DATA_DIR"]) / "sessions.db"
    add_session(path, "an older question", "an older answer")
    return path


@contextlib.contextmanager
def write_locked(db: Path) -> Iterator[sqlite3.Connection]:
    """Another writer in the middle of a long transaction."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def stored_titles(db: Path) -> list[str]:
    with SessionStore(db) as store:
        return [info.display_title for info in store.list_sessions()]


def test_a_run_that_cannot_be_saved_says_so_and_fails(
    db: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_text("Hello from the fake server.")
    with write_locked(db):
        code = main(["run", "say hello"])
    err = capsys.readouterr().err
    assert code == EXIT_STORE
    assert "locked" in err and "not saved" in err
    assert stored_titles(db) == ["an older question"]


def test_a_lock_released_while_saving_is_waited_for(
    db: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_text("Hello from the fake server.")
    with write_locked(db) as other:
        # The other writer finishes once the run has found the database locked.
        seen = threading.Event()
        real = headless_session.RunRecording._failed

        def failed(self: Any, exc: Exception) -> None:
            real(self, exc)
            seen.set()

        release = threading.Thread(target=lambda: seen.wait(10) and other.execute("COMMIT"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(headless_session.RunRecording, "_failed", failed)
            release.start()
            code = main(["run", "say hello"])
            release.join()
    err = capsys.readouterr().err
    assert code == 0
    assert "locked" in err and "trying again" in err and "not saved" not in err
    assert sorted(stored_titles(db)) == ["an older question", "say hello"]
