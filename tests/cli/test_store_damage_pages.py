"""A session database with one damaged page, wherever it is: every command gives the same answer
(exit 4, one plain message with the way out), and ``run`` says so before the model is called."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from store_samples import PAGE, add_session

from flux_tui.cli import main
from flux_tui.sessions.models import EXIT_STORE


def _root_page(db: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return int(page)


def _overwrite(db: Path, page: int, data: bytes) -> None:
    with db.open("r+b") as file:
        file.seek((page - 1) * PAGE)
        file.write(data)


def zero_fts_index(db: Path) -> None:
    """The full-text index's data page zeroed: the sessions and their events are intact."""
    _overwrite(db, _root_page(db, "messages_fts_data"), bytes(PAGE))


def random_page_13(db: Path) -> None:
    """Random bytes at offset 49152, as QA wrote them."""
    _overwrite(db, 13, random.Random(5).randbytes(PAGE))


DAMAGE = {"fts-index": zero_fts_index, "page-13": random_page_13}


@pytest.fixture
def stored(cli_env: Path) -> tuple[Path, str]:
    db = cli_env / "data" / "sessions.db"
    ids = [add_session(db, f"question {n} " + "q" * 1500, f"answer {n} " + "a" * 2500) for n in range(40)]
    return db, ids[-1]


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_every_command_refuses_a_damaged_page_alike(
    openai_fake: Any, stored: tuple[Path, str], capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    db, session_id = stored
    DAMAGE[damage](db)
    openai_fake.queue_openai_text("An answer nobody can save.")
    messages = []
    for command in (["run", "zz"], ["sessions", "list"], ["export", session_id], ["run", "--continue", "go"]):
        assert main(command) == EXIT_STORE, command
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1, (command, lines)
        messages.append(lines[0])
        assert session_id not in captured.out
    assert len(set(messages)) == 1
    message = messages[0]
    assert "damaged" in message and f"mv {db}" in message
    for raw in ("vtable", "malformed", "constructor", "quick_check", "page"):
        assert raw not in message.replace(str(db), "")
    assert openai_fake.requests == []  # nothing was asked of a model whose answer could not be kept


def test_a_sound_store_still_opens(stored: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, session_id = stored
    assert main(["sessions", "list"]) == 0
    assert session_id in capsys.readouterr().out
