"""The session store: every event of every session, in one SQLite database (WAL, mode 0600).

One connection guarded by a lock, so the TUI's event-loop thread and the recorder's flush thread can
share it. Writes are small transactions; with WAL and ``synchronous=NORMAL`` a commit survives a
killed process (only a power cut can lose the last ones) and costs no fsync.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.redact import Redactor

from . import connect, paths
from .codec import decode_row, encode_events
from .models import (
    COPIED_AT,
    LoadedSession,
    SearchHit,
    SessionFormatError,
    SessionInfo,
    SessionNotFoundError,
    SessionStoreError,
    is_safe_session_id,
)
from .rebuild import fork_point, rebuild
from .schema import schema_version
from .summary import apply_summary, summarise
from .titles import FORK_MARK, marked

_INFO_COLUMNS = (
    "id, title, created_at, updated_at, turns, cost, priced_replies, unpriced_replies, "
    "input_tokens, output_tokens, title_custom, meta, estimated_replies"
)

LATEST = "last"  # names the latest session wherever an id is asked; ids are hex, so none is this word


def new_session_id() -> str:
    return uuid.uuid4().hex[:12]


class SessionStore:
    """Sessions and their events. ``path`` defaults to ``<data dir>/sessions.db``.

    ``secrets`` are removed from everything written (on top of the key-shaped patterns every write is
    filtered through); a recorder or import may pass more.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        secrets: Iterable[str | None] = (),
        read_only: bool = False,
    ) -> None:
        self.path = Path(path) if path is not None else paths.default_db_path()
        self.redactor = Redactor(secrets)
        self._lock = threading.RLock()
        self._merged: dict[frozenset[str], Redactor] = {}
        conn = connect.open_read_only(self.path) if read_only else None
        # An older schema must be migrated before it can be read, and that writes.
        self.read_only = conn is not None
        self._conn = conn if conn is not None else connect.open_read_write(self.path)

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._db():
            return schema_version(self._conn)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; SQLite's errors come out as ``SessionStoreError``."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise connect.store_error(self.path, exc) from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # a failed COMMIT too: the next write starts clean
                    self._conn.execute("ROLLBACK")
                raise

    # -- writing ----------------------------------------------------------------------------------

    def create_session(
        self,
        title: str | None = None,
        *,
        session_id: str | None = None,
        created_at: float | None = None,
        meta: dict[str, Any] | None = None,
        title_custom: bool | None = None,
    ) -> str:
        """A new, empty session; returns its id. A given ``title`` counts as custom unless told."""
        session_id = session_id or new_session_id()
        if not is_safe_session_id(session_id):
            raise SessionFormatError(f"{session_id!r} is not a valid session id (letters, digits, - and _)")
        created = time.time() if created_at is None else created_at
        custom = (title is not None) if title_custom is None else title_custom
        with self._transaction() as conn:
            if self._exists(session_id):
                raise SessionStoreError(f"a session with id {session_id!r} already exists")
            conn.execute(
                "INSERT INTO sessions (id, title, created_at, updated_at, title_custom, meta) "
                "VALUES (?,?,?,?,?,?)",
                (
                    session_id,
                    self.redactor.redact_text(title) if title else None,
                    created,
                    created,
                    int(custom),
                    json.dumps(self.redactor.redact(meta or {})),
                ),
            )
        paths.tighten(self.path)  # the first write creates the -wal/-shm files
        return session_id

    def append(
        self, session_id: str, events: Sequence[AgentEvent], *, redactor: Redactor | None = None
    ) -> None:
        """Store ``events`` at the end of the session, in one transaction, filtered for secrets."""
        if not events:
            return
        red = self._redactor_with(redactor)
        rows = encode_events(events, red)
        summary = summarise(events)
        with self._transaction() as conn:
            if not self._exists(session_id):
                raise SessionNotFoundError(f"no session {session_id!r}")
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session_id,)
            ).fetchone()
            conn.executemany(
                "INSERT INTO events (session_id, seq, ts, kind, payload) VALUES (?,?,?,?,?)",
                [(session_id, last + n, ts, kind, payload) for n, (ts, kind, payload) in enumerate(rows, 1)],
            )
            apply_summary(conn, session_id, summary, red)

    def rename(self, session_id: str, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise ValueError("a session title cannot be empty")
        with self._transaction() as conn:
            self._require(session_id)
            conn.execute(
                "UPDATE sessions SET title = ?, title_custom = 1 WHERE id = ?",
                (self.redactor.redact_text(title), session_id),
            )

    def update_meta(self, session_id: str, **values: Any) -> dict[str, Any]:
        """Merge ``values`` into the session's metadata (JSON-able; ``None`` removes a key)."""
        with self._transaction() as conn:
            meta = self._info(session_id).meta
            for key, value in values.items():
                if value is None:
                    meta.pop(key, None)
                else:
                    meta[key] = value
            meta = self.redactor.redact(meta)
            conn.execute("UPDATE sessions SET meta = ? WHERE id = ?", (json.dumps(meta), session_id))
            return meta

    def delete(self, session_id: str) -> None:
        with self._transaction() as conn:
            self._require(session_id)
            conn.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))  # and its index
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))  # cascades to the rest

    # -- reading ----------------------------------------------------------------------------------

    def list_sessions(self, *, limit: int | None = None, include_empty: bool = False) -> list[SessionInfo]:
        """Newest activity first. Sessions without any event are hidden unless ``include_empty``."""
        sql = f"SELECT {_INFO_COLUMNS} FROM sessions s"
        if not include_empty:
            sql += " WHERE EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id)"
        sql += " ORDER BY updated_at DESC, created_at DESC"
        params: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._db():
            rows = self._conn.execute(sql, params).fetchall()
            models = self._models([r[0] for r in rows])
        return [_to_info(row, models.get(row[0], ())) for row in rows]

    def get(self, session_id: str) -> SessionInfo:
        with self._db():
            return self._info(session_id)

    def resolve_id(self, id_or_prefix: str) -> str:
        """The session id that is ``id_or_prefix`` or uniquely starts with it, or the latest one's."""
        if id_or_prefix == LATEST:
            if (latest := self.latest_session_id()) is None:
                raise SessionNotFoundError("there is no saved session yet")
            return latest
        with self._db():
            if self._exists(id_or_prefix):
                return id_or_prefix
            escaped = id_or_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            found = [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY updated_at DESC LIMIT 6",
                    (escaped + "%",),
                )
            ]
        if not id_or_prefix or not found:
            raise SessionNotFoundError(f"no session {id_or_prefix!r} (see `flux-tui sessions list`)")
        if len(found) > 1:
            raise SessionNotFoundError(
                f"session id {id_or_prefix!r} is ambiguous: it starts {', '.join(found[:5])}..."
            )
        return found[0]

    def latest_session_id(self) -> str | None:
        """The session with the most recent event (for ``--continue``), or None."""
        return next((info.id for info in self.list_sessions(limit=1)), None)

    def events(self, session_id: str, *, split_deltas: bool = True) -> list[AgentEvent]:
        """The stored events as written (deltas split back to their original pieces, unless
        ``split_deltas`` is False: then each stored run of deltas is one), no repairs."""
        with self._db():
            self._require(session_id)
            rows = self._conn.execute(
                "SELECT ts, kind, payload FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
        return [event for row in rows for event in decode_row(*row, split=split_deltas)]

    def load(self, session_id: str, *, split_deltas: bool = True) -> LoadedSession:
        """Events, consistent transcript and list info of a session; read-only (repairs are not stored).
        ``split_deltas=False`` to show or resume it (see ``events``); replays want the pieces."""
        with self._db():
            info = self._info(session_id)
            raw = self.events(session_id, split_deltas=split_deltas)
        rebuilt = rebuild(raw)
        file_context = info.meta.get("file_context")
        if isinstance(file_context, str):
            rebuilt.transcript.file_context = file_context
        return LoadedSession(
            meta=info, events=rebuilt.events, transcript=rebuilt.transcript, repaired=rebuilt.repaired
        )

    def search(self, query: str, *, limit: int = 50, marks: tuple[str, str] = ("«", "»")) -> list[SearchHit]:
        """Prompts and answers containing every word of ``query`` (the last word as a prefix), best first."""
        fts_query = fts_query_for(query)
        if not fts_query:
            return []
        with self._db():
            rows = self._conn.execute(
                """SELECT m.session_id, s.title, m.message_id, m.role,
                          snippet(messages_fts, 0, ?, ?, '…', 12)
                   FROM messages_fts
                   JOIN messages m ON m.id = messages_fts.rowid
                   JOIN sessions s ON s.id = m.session_id
                   WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?""",
                (marks[0], marks[1], fts_query, limit),
            ).fetchall()
        return [SearchHit(*row) for row in rows]

    # -- fork -------------------------------------------------------------------------------------

    def fork(
        self,
        session_id: str,
        *,
        message_id: str | None = None,
        turn: int | None = None,
        include: bool = True,
        title: str | None = None,
    ) -> str:
        """A new session holding the history up to a prompt; returns its id.

        Choose the prompt by its user message id or its turn index (0-based, negative from the end;
        every prompt of the session counts, those before a clear too: see ``rebuild.prompt_starts``).
        ``include=True`` keeps that turn with its answer ("continue from here"); ``include=False``
        stops just before it (ask it differently).
        """
        loaded = self.load(session_id)
        cut = fork_point(loaded.events, message_id=message_id, turn=turn, include=include)
        point = {"message_id": message_id, "turn": turn, "include": include}
        return self.copy(loaded, cut, point=point, title=title)

    def copy(
        self,
        loaded: LoadedSession,
        cut: int | None = None,
        *,
        point: dict[str, Any] | None = None,
        title: str | None = None,
    ) -> str:
        """A fork of ``loaded`` as it was read (its first ``cut`` events), whatever has been appended
        to the stored session since: what is on screen, when another process records that session."""
        meta = {k: v for k, v in loaded.meta.meta.items() if k != "forked_from"}
        meta |= {"forked_from": {"session_id": loaded.id, **(point or {})}, COPIED_AT: time.time()}
        new_id = self.create_session(
            title or marked(loaded.meta.display_title, FORK_MARK), meta=meta, title_custom=title is not None
        )
        self.append(new_id, loaded.events[:cut])
        return new_id

    # -- internals --------------------------------------------------------------------------------

    def _redactor_with(self, extra: Redactor | None) -> Redactor:
        """The store's redactor plus ``extra``'s secrets (cached: recorders append often)."""
        if extra is None or extra.secrets <= self.redactor.secrets:
            return self.redactor
        key = self.redactor.secrets | extra.secrets
        merged = self._merged.get(key)
        if merged is None:
            merged = self._merged[key] = Redactor(key)
        return merged

    def _exists(self, session_id: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row is not None

    def _require(self, session_id: str) -> None:
        if not self._exists(session_id):
            raise SessionNotFoundError(f"no session {session_id!r}")

    def _info(self, session_id: str) -> SessionInfo:
        row = self._conn.execute(
            f"SELECT {_INFO_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise SessionNotFoundError(f"no session {session_id!r}")
        return _to_info(row, self._models([session_id]).get(session_id, ()))

    def _models(self, ids: list[str]) -> dict[str, tuple[tuple[str, str], ...]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for start in range(0, len(ids), 500):  # SQLite's parameter limit
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for sid, provider, model in self._conn.execute(
                f"SELECT session_id, provider, model FROM session_models WHERE session_id IN ({marks}) "
                "ORDER BY first_seen, provider, model",
                chunk,
            ):
                found.setdefault(sid, []).append((provider, model))
        return {sid: tuple(pairs) for sid, pairs in found.items()}


def _to_info(row: Sequence[Any], models: tuple[tuple[str, str], ...]) -> SessionInfo:
    (sid, title, created, updated, turns, cost, priced, unpriced, tin, tout, custom, meta, estimated) = row
    return SessionInfo(
        id=sid,
        title=title,
        created_at=created,
        updated_at=updated,
        turns=turns,
        provider_models=models,
        cost=None if priced == 0 and unpriced > 0 else cost,
        unpriced=unpriced > 0,
        estimated=estimated > 0,
        input_tokens=tin,
        output_tokens=tout,
        title_custom=bool(custom),
        meta=json.loads(meta or "{}"),
    )


def fts_query_for(text: str) -> str:
    """User words to an FTS5 query: every word must match (quoted, so no syntax), the last as a prefix."""
    words = re.findall(r"\w+", text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)
