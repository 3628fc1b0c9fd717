"""The command line on a broken session database: one clear message and the store's exit code, never a
traceback, and the file left as it was; ``sessions list`` and ``export`` only read."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from store_samples import BROKEN, add_session

from flux_tui.cli import main
from flux_tui.sessions.models import EXIT_STORE

WORKTREE = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("damage", sorted(BROKEN))
@pytest.mark.parametrize("command", [["sessions", "list"], ["export", "abc"]])
def test_a_broken_store_is_one_message_and_the_store_exit_code(
    cli_env: Path, capsys: pytest.CaptureFixture[str], damage: str, command: list[str]
) -> None:
    db = cli_env / "data" / "sessions.db"
    BROKEN[damage](db)
    before = digest(db)
    assert main(command) == EXIT_STORE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("flux-tui: ") and str(db) in err[0]
    assert digest(db) == before


@pytest.mark.parametrize("damage", sorted(BROKEN))
def test_run_on_a_broken_store_says_so_before_or_after_the_answer(
    openai_fake: Any, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    db = Path(os.environ["FLUX_DATA_DIR"]) / "sessions.db"
    BROKEN[damage](db)
    openai_fake.queue_openai_text("An answer nobody can save.")
    assert main(["run", "say something"]) == EXIT_STORE
    err = capsys.readouterr().err
    assert str(db) in err and "Traceback" not in err


def test_the_messages_name_the_cause(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = {
        "truncated": "damaged",
        "garbage": "damaged",
        "foreign-schema": "not a flux-tui session database",
        "future-schema": "newer flux-tui",
        "damaged-page": "damaged",
    }
    for damage, words in expected.items():
        data = cli_env / damage
        os.environ["FLUX_DATA_DIR"] = str(data)
        BROKEN[damage](data / "sessions.db")
        assert main(["sessions", "list"]) == EXIT_STORE
        assert words in capsys.readouterr().err, damage


def test_a_foreign_database_is_not_given_our_tables(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another program's file without a table named like ours: a writing command must not migrate it."""
    db = cli_env / "data" / "sessions.db"
    db.parent.mkdir()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
    assert main(["import", str(cli_env / "work" / "export.jsonl")]) == EXIT_STORE
    assert "not a flux-tui session database" in capsys.readouterr().err
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"notes"}


def test_list_of_a_missing_store_creates_nothing(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "list"]) == 0
    assert "No saved sessions yet." in capsys.readouterr().out
    assert not (cli_env / "data" / "sessions.db").exists()


def test_list_and_export_leave_the_database_untouched(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = cli_env / "data" / "sessions.db"
    session_id = add_session(db, "What is a monad?", "A burrito.")
    before, stamp = digest(db), db.stat().st_mtime_ns
    assert main(["sessions", "list"]) == 0
    assert main(["export", session_id]) == 0
    assert "A burrito." in capsys.readouterr().out
    assert (digest(db), db.stat().st_mtime_ns) == (before, stamp)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``path`` that no one may write: ``chattr +i`` (works as root), else mode 0400 (not as root)."""
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode == 0:
        try:
            yield
        finally:
            subprocess.run([chattr, "-i", str(path)], check=True)
        return
    if os.geteuid() == 0:
        pytest.skip("cannot make a file immutable here (no chattr +i, and root ignores modes)")
    path.chmod(0o400)
    try:
        yield
    finally:
        path.chmod(0o600)


def test_list_reads_an_immutable_database(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = cli_env / "data" / "sessions.db"
    session_id = add_session(db, "Can you read me?", "Read-only, yes.")
    with immutable(db):
        assert main(["sessions", "list"]) == 0
        out = capsys.readouterr().out
        assert session_id in out and "Can you read me?" in out
        assert main(["export", session_id, "--format", "md"]) == 0
        assert "Read-only, yes." in capsys.readouterr().out


def test_the_process_prints_no_traceback(cli_env: Path) -> None:
    """As a user runs it: a separate process, on a truncated database."""
    BROKEN["truncated"](cli_env / "data" / "sessions.db")
    env = dict(os.environ, PYTHONPATH=str(WORKTREE))
    done = subprocess.run(
        [sys.executable, "-m", "flux_tui", "sessions", "list"], env=env, capture_output=True, text=True
    )
    assert done.returncode == EXIT_STORE
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("flux-tui: the session database") and "damaged" in done.stderr


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert f"{EXIT_STORE} the session store cannot be used" in " ".join(out.split())


@pytest.mark.parametrize("command", [["--continue"], ["--resume", "abc"], ["replay", "abc"]])
def test_resuming_from_a_broken_store_is_the_same_message_and_code(
    cli_env: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    BROKEN["future-schema"](cli_env / "data" / "sessions.db")
    assert main(command) == EXIT_STORE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "newer flux-tui" in err[0]
