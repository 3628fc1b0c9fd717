"""The database schema and its migrations.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[n]`` takes a database from version n-1
to n, inside one transaction, so a database of any earlier release opens (and a fresh one is built by
running them all). Never edit a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from flux_tui.core.redact import Redactor

from .models import SessionStoreError
from .summary import rebuild_derived


def _v1_events(conn: sqlite3.Connection) -> None:
    """The first release: sessions and their events."""
    conn.execute(
        """CREATE TABLE sessions (
             id TEXT PRIMARY KEY,
             title TEXT,
             created_at REAL NOT NULL,
             updated_at REAL NOT NULL
           )"""
    )
    conn.execute(
        """CREATE TABLE events (
             session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
             seq INTEGER NOT NULL,
             ts REAL NOT NULL,
             kind TEXT NOT NULL,
             payload TEXT NOT NULL,
             PRIMARY KEY (session_id, seq)
           ) WITHOUT ROWID"""
    )


def _v2_derived(conn: sqlite3.Connection) -> None:
    """List columns (turns, cost, models), metadata, and full-text search, backfilled from the events."""
    for column in (
        "title_custom INTEGER NOT NULL DEFAULT 0",
        "turns INTEGER NOT NULL DEFAULT 0",
        "cost REAL NOT NULL DEFAULT 0",
        "priced_replies INTEGER NOT NULL DEFAULT 0",
        "unpriced_replies INTEGER NOT NULL DEFAULT 0",
        "input_tokens INTEGER NOT NULL DEFAULT 0",
        "output_tokens INTEGER NOT NULL DEFAULT 0",
        "meta TEXT NOT NULL DEFAULT '{}'",
    ):
        conn.execute(f"ALTER TABLE sessions ADD COLUMN {column}")
    conn.execute("CREATE INDEX sessions_by_update ON sessions (updated_at)")
    conn.execute(
        """CREATE TABLE session_models (
             session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
             provider TEXT NOT NULL,
             model TEXT NOT NULL,
             first_seen REAL NOT NULL,
             PRIMARY KEY (session_id, provider, model)
           ) WITHOUT ROWID"""
    )
    # Searchable text of prompts and answers, one row per transcript message (an external-content FTS
    # index over it, kept in step by triggers), so replacing or deleting entries is an indexed lookup.
    conn.execute(
        """CREATE TABLE messages (
             id INTEGER PRIMARY KEY,
             session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
             message_id TEXT NOT NULL,
             role TEXT NOT NULL,
             text TEXT NOT NULL,
             UNIQUE (session_id, message_id)
           )"""
    )
    conn.execute(
        """CREATE VIRTUAL TABLE messages_fts USING fts5(
             text, content = 'messages', content_rowid = 'id',
             tokenize = 'porter unicode61 remove_diacritics 2'
           )"""
    )
    conn.execute(
        """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
             INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
           END"""
    )
    conn.execute(
        """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
             INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
           END"""
    )
    conn.execute(
        """CREATE TRIGGER messages_fts_update AFTER UPDATE ON messages BEGIN
             INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
             INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
           END"""
    )
    # Version 1 stored no updated_at beyond creation; the rule now is "time of the last event".
    conn.execute(
        """UPDATE sessions SET updated_at = MAX(created_at, COALESCE(
             (SELECT MAX(ts) FROM events WHERE events.session_id = sessions.id), created_at))"""
    )
    # The derived columns are backfilled by the last migration that adds one (``_v3_estimated``):
    # ``rebuild_derived`` writes the columns of the current schema.


def _v3_estimated(conn: sqlite3.Connection) -> None:
    """Replies that ended without the provider's figures: the list marks the session's cost ``~``."""
    conn.execute("ALTER TABLE sessions ADD COLUMN estimated_replies INTEGER NOT NULL DEFAULT 0")
    redactor = Redactor()
    for (session_id,) in conn.execute("SELECT id FROM sessions").fetchall():
        rebuild_derived(conn, session_id, redactor)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_events,
    2: _v2_derived,
    3: _v3_estimated,
}
SCHEMA_VERSION = max(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(conn: sqlite3.Connection, where: str) -> None:
    """Refuse a database written by a newer flux-tui, or one of another program (tables, no version)."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise SessionStoreError(
            f"{where} was written by a newer flux-tui (schema {version}, this version reads up to "
            f"{SCHEMA_VERSION}); upgrade flux-tui or point FLUX_DATA_DIR elsewhere"
        )
    if version == 0 and conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None:
        # Someone else's SQLite file: adding our tables to it would change a file that is not ours.
        raise SessionStoreError(
            f"{where} is not a flux-tui session database (it holds another program's tables); "
            "move it aside or point FLUX_DATA_DIR elsewhere"
        )


def migrate(conn: sqlite3.Connection, where: str) -> None:
    """Bring the database to ``SCHEMA_VERSION``; refuse one written by a newer flux-tui or not ours."""
    check_version(conn, where)
    version = schema_version(conn)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= target:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            MIGRATIONS[target](conn)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
