"""Session databases in every state the command line must survive: good, and broken five ways."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flux_tui.core.agent_events import MessageCommitted, TextDelta, TurnFinished, TurnStarted
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.sessions import SessionStore

PAGE = 4096


def add_session(db: Path, prompt: str, answer: str, *, title: str | None = None) -> str:
    """One finished turn, stored as the agent would have emitted it; returns the session id."""
    transcript = Transcript()
    user = transcript.add_user_text(prompt)
    reply = transcript.add_assistant(
        [TextBlock(answer)], provider="openai", model="gpt-4o", stop_reason="stop"
    )
    events = [
        TurnStarted(turn_id="t1", prompt=prompt, provider="openai", model="gpt-4o"),
        MessageCommitted(message=user.to_dict()),
        TextDelta(text=answer),
        MessageCommitted(message=reply.to_dict()),
        TurnFinished(stop_reason="end_turn"),
    ]
    with SessionStore(db) as store:
        session_id = store.create_session(title)
        store.append(session_id, events)
    return session_id


def good_store(db: Path, sessions: int = 40) -> Path:
    """A store big enough to span many pages (the WAL is checkpointed into the file on close)."""
    for n in range(sessions):
        add_session(db, f"question {n} " + "q" * 1500, f"answer {n} " + "a" * 2500)
    return db


def truncated(db: Path) -> None:
    good_store(db)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def garbage(db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(bytes((n * 7919 + 13) % 256 for n in range(4 * PAGE)))


def foreign_schema(db: Path) -> None:
    """Another program's SQLite file, with a table that happens to share our name."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE sessions (cookie TEXT)")
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()


def future_schema(db: Path) -> None:
    good_store(db, sessions=1)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


def damaged_pages(db: Path) -> None:
    """A valid header and schema, but the data pages overwritten."""
    good_store(db)
    data = bytearray(db.read_bytes())
    for offset in range(3 * PAGE, len(data) - PAGE, 2 * PAGE):
        data[offset : offset + 200] = b"\xa5" * 200
    db.write_bytes(bytes(data))


BROKEN = {
    "truncated": truncated,
    "garbage": garbage,
    "foreign-schema": foreign_schema,
    "future-schema": future_schema,
    "damaged-page": damaged_pages,
}
