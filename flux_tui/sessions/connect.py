"""Opening the session database, read-write or read-only, and naming what is wrong with it.

Every ``sqlite3.Error`` the store meets becomes a ``SessionStoreError`` through ``store_error``, so the
CLI and the app have one kind of failure to explain, with one message per cause (damaged, not ours,
locked, not writable) instead of SQLite's terse text or a traceback.
"""

from __future__ import annotations

import logging
import shlex
import sqlite3
from pathlib import Path

from . import paths
from .models import SessionStoreError
from .schema import SCHEMA_VERSION, check_version, migrate, schema_version

log = logging.getLogger(__name__)

#: Seconds a write waits for another process's write to finish before it reports "locked".
BUSY_TIMEOUT = 5.0

_DAMAGED = (
    "malformed",
    "not a database",
    "corrupt",
    "no such table",
    "no such column",
    "encrypted",
    "vtable constructor failed",  # the full-text index's own tables cannot be read
)
_LOCKED = ("locked", "busy")
_READ_ONLY = ("readonly", "read-only", "unable to open", "permission", "disk i/o", "disk full")


def store_error(path: Path, exc: BaseException) -> SessionStoreError:
    """A ``SessionStoreError`` saying in plain words what ``exc`` means for the database at ``path``."""
    if isinstance(exc, SessionStoreError):
        return exc
    detail = str(exc) or type(exc).__name__
    low = detail.lower()
    transient = False
    if any(word in low for word in _DAMAGED):
        log.warning("session database %s: %s", path, detail)  # SQLite's words, for whoever debugs it
        return damaged(path)
    elif any(word in low for word in _LOCKED):
        transient = True
        text = (
            f"the session database {path} is locked by another program ({detail}); "
            "try again when it has finished"
        )
    elif any(word in low for word in _READ_ONLY):
        text = f"cannot write the session database {path} ({detail}); check its permissions and free space"
    else:
        text = f"cannot use the session database {path}: {detail}"
    return SessionStoreError(text, transient=transient)


def damaged(path: Path) -> SessionStoreError:
    """The one message for a damaged database, whatever part of it is damaged, with the way out."""
    quoted = shlex.quote(str(path))
    return SessionStoreError(
        f"the session database {path} is damaged or is not a flux-tui database; move it aside "
        f"(mv {quoted} {shlex.quote(str(path) + '.damaged')}) and flux-tui starts a new one, or point "
        "FLUX_DATA_DIR elsewhere"
    )


def check_intact(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database with a damaged page, before anything is read from or written to it.

    ``PRAGMA quick_check`` reads every page once (about 20 ms for a store of 1,000 sessions), so a
    damaged index or table is found when the store opens, not halfway through a run after the model
    has answered, and every command gives the same answer about the same file.
    """
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        if rows != [("ok",)]:
            log.warning("session database %s: quick_check: %s", path, rows)
            raise damaged(path)
        # The full-text index is a virtual table: its constructor reads its own shadow tables.
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'").fetchone():
            conn.execute("SELECT rowid FROM messages_fts LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc


def open_read_write(path: Path) -> sqlite3.Connection:
    """The database at ``path`` (created mode 0600 if missing), migrated to ``SCHEMA_VERSION``."""
    try:
        paths.create_private_file(path)
    except OSError as exc:
        raise SessionStoreError(f"cannot create the session database {path}: {exc}") from exc
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        check_intact(conn, path)
        migrate(conn, str(path))
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise store_error(path, exc) from exc
        raise
    paths.tighten(path)
    return conn


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to the database at ``path`` (``mode=ro``: nothing is created or changed).

    A missing or empty file gives an empty in-memory database of the current schema (nothing saved
    yet). None when the database is of an older schema: it must be migrated, which needs writing.
    """
    if not path.exists() or path.stat().st_size == 0:
        return _empty()
    try:
        conn = _connect_uri(path, "mode=ro")
    except sqlite3.OperationalError:
        # A WAL database in a directory nobody may write has no -shm file to coordinate through;
        # nobody can be writing it either, so it is read as an unchanging file.
        try:
            conn = _connect_uri(path, "immutable=1")
        except sqlite3.Error as exc:
            raise store_error(path, exc) from exc
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc
    try:
        check_version(conn, str(path))  # newer than this code, or not ours: says so
        check_intact(conn, path)
        version = schema_version(conn)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise store_error(path, exc) from exc
        raise
    if version == SCHEMA_VERSION:
        return conn
    conn.close()
    return _empty() if version == 0 else None


def _connect_uri(path: Path, query: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?{query}",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT,
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the header: fails now
    except BaseException:
        conn.close()
        raise
    return conn


def _empty() -> sqlite3.Connection:
    """An in-memory database of the current schema: what a store with nothing saved yet reads as."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    migrate(conn, ":memory:")
    return conn
