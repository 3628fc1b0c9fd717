"""The session store for a running conversation: recording it, resume, fork, delete, rename, export,
and importing a session that is not in the store (the demo) to go on in it.

``SessionService.sink`` (a ``RecorderSlot``) goes among the agent's sinks: it records the current
session, and going on in another one only swaps the recorder behind it. Slow store work runs in a
thread (``asyncio.to_thread``). Failures are raised as ``SessionError`` with the text to show; a
recorder's failed write goes to ``on_error`` (from the recorder's threads too).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from flux_tui.core.agent_events import AgentEvent
from flux_tui.services.recording import RecorderSlot
from flux_tui.sessions import (
    LoadedSession,
    SessionError,
    SessionInfo,
    SessionStore,
)
from flux_tui.sessions.lease import SessionBusyError, holder_of
from flux_tui.sessions.paths import write_private

NO_STORE = "Sessions are not available in this run: the session store could not be opened."
COPIED = "This conversation goes on in a new session {new_id}, a copy of {id}."
RECORDING_HERE = "This is the session being recorded: open another one (or start anew) to delete it."
RECORDING_THERE = "This session is being recorded by {holder}: close it there to delete it."


def spent_elsewhere_today(store: SessionStore, session_id: str | None) -> float:
    """What the sessions of ``store`` other than ``session_id`` spent today (``budget_usd_per_day``)."""
    from flux_tui.core.budget import start_of_today
    from flux_tui.sessions.daily import spent_since

    return spent_since(store, start_of_today(), exclude_session=session_id)


class SessionService:
    """The sessions of ``store`` (None: it could not be opened, ``problem`` says why; every action then
    raises ``SessionError(unavailable)``, and a loaded session such as the demo can still be shown).

    ``secrets`` are redacted from what is recorded and exported. ``on_error(exc)``: a recorder's write
    failed (it is tried again). ``on_notice(text)``: something the user should know that happens on
    its own (a read-only conversation going on in a copy); both may be called from other threads.
    """

    def __init__(
        self,
        store: SessionStore | None,
        *,
        secrets: Iterable[str | None] = (),
        problem: str | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        #: What every session action says when there is no store: why it could not be opened.
        self.unavailable = f"Sessions are not available in this run: {problem}" if problem else NO_STORE
        self.secrets = [s for s in secrets if s]
        self.on_notice = on_notice
        self.sink: RecorderSlot | None = (
            RecorderSlot(store, secrets=self.secrets, on_error=on_error) if store is not None else None
        )

    def sinks(self) -> list[Callable[[AgentEvent], None]]:
        """What to put among the agent's sinks."""
        return [self.sink] if self.sink is not None else []

    @property
    def current_session_id(self) -> str | None:
        """The session being recorded (None until the first event of a new conversation)."""
        return self.sink.session_id if self.sink is not None else None

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()
        if self.store is not None:
            self.store.close()

    def _store(self) -> SessionStore:
        if self.store is None:
            raise SessionError(self.unavailable)
        return self.store

    def _tell(self, text: str) -> None:
        if self.on_notice is not None:
            self.on_notice(text)

    # -- reading -------------------------------------------------------------------------------------

    def spent_elsewhere_today(self) -> float:
        """What the other sessions of the data dir spent today (``budget_usd_per_day``)."""
        return 0.0 if self.store is None else spent_elsewhere_today(self.store, self.current_session_id)

    async def load(self, session_id: str, split_deltas: bool = True) -> LoadedSession:
        store = self._store()
        return await asyncio.to_thread(store.load, session_id, split_deltas=split_deltas)

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full id of the session ``id_or_prefix`` names (an id or a unique prefix)."""
        return self._store().resolve_id(id_or_prefix)

    def list_ids(self, limit: int = 50) -> list[tuple[str, str]]:
        """``(id, title)`` of the newest sessions, newest first (what ``/resume`` and ``/replay``
        complete; the title is empty for an untitled one). Empty when the store cannot be read: no
        completion rather than a failing prompt; the session browser says what is wrong."""
        if self.store is None:
            return []
        try:
            infos = self.store.list_sessions(limit=limit)
        except (SessionError, sqlite3.Error):
            return []
        return [(info.id, info.title or "") for info in infos]

    async def live_events(self) -> list[AgentEvent]:
        """The current session's events as stored (after writing what waits): what to show again
        after a replay. Empty when nothing is recorded yet."""
        session_id = self.current_session_id
        if self.store is None or self.sink is None or session_id is None:
            return []
        self.sink.flush()
        return (await self.load(session_id)).events

    # -- recording into ------------------------------------------------------------------------------

    def record_into(self, loaded: LoadedSession) -> SessionBusyError | None:
        """Append the conversation's next events to ``loaded``. When another process records it, it is
        not written to: the busy error is returned (to say so and offer ``fork_copy``), and the first
        new event makes a copy of ``loaded`` to go on in, said through ``on_notice``."""
        if self.sink is None:
            return None
        try:
            self.sink.switch(loaded.id)
        except SessionBusyError as exc:
            self.sink.switch(None, create=lambda: self._copy_on_write(loaded))
            return exc
        return None

    def _copy_on_write(self, loaded: LoadedSession) -> str:
        """The session a read-only conversation goes on in, made when its first new event is recorded."""
        new_id = self._store().copy(loaded)
        self._tell(COPIED.format(new_id=new_id, id=loaded.id))
        return new_id

    async def fork_copy(self, loaded: LoadedSession) -> str:
        """A copy of ``loaded`` (as it is on screen), recorded from now on: the fork offered when
        another process records ``loaded``. Returns the copy's id."""
        store, sink = self._store(), self.sink
        new_id = await asyncio.to_thread(store.copy, loaded)
        if sink is not None:
            sink.switch(new_id)
        return new_id

    async def fork(self, session_id: str, message_id: str) -> str:
        """A new session holding ``session_id`` up to the answer to prompt ``message_id``; its id. The
        caller loads it and records into it to go on there."""
        store = self._store()
        try:
            return await asyncio.to_thread(store.fork, session_id, message_id=message_id)
        except (SessionError, ValueError) as exc:
            raise SessionError(f"Could not fork: {exc}") from exc

    async def import_loaded(self, loaded: LoadedSession) -> str:
        """Store a session that is not in the store (the demo, played) as a new one; its id."""
        from flux_tui.sessions.jsonl import export_jsonl, import_jsonl  # not before the first frame

        store = self._store()
        text = export_jsonl(loaded)
        return await asyncio.to_thread(import_jsonl, store, text, secrets=self.secrets)

    # -- delete, rename, export ----------------------------------------------------------------------

    def can_delete(self, session_id: str) -> str | None:
        """Why ``session_id`` may not be deleted now (None: it may)."""
        if session_id == self.current_session_id:
            return RECORDING_HERE
        holder = holder_of(self.store.path, session_id) if self.store is not None else None
        if holder is not None:
            return RECORDING_THERE.format(holder=holder.describe())
        return None

    async def delete(self, session_id: str) -> None:
        reason = self.can_delete(session_id)
        if reason is not None:
            raise SessionError(reason)
        store = self._store()
        await asyncio.to_thread(store.delete, session_id)

    async def rename(self, session_id: str, title: str) -> None:
        store = self._store()
        await asyncio.to_thread(store.rename, session_id, title)

    @property
    def exports_dir(self) -> Path:
        """Where exports go: ``<data dir>/exports`` beside the session database (never the workspace,
        where an export would land among the project's files), else the home directory."""
        return self.store.path.parent / "exports" if self.store is not None else Path.home()

    def default_export_path(self, info: SessionInfo, fmt: str) -> Path:
        """``<exports dir>/flux-<title slug>-<id>.<fmt>``: one file name, whatever the title and id hold."""
        slug = re.sub(r"[^a-z0-9]+", "-", (info.title or "").lower()).strip("-")[:40] or "session"
        ident = re.sub(r"[^A-Za-z0-9_-]+", "-", info.id).strip("-")[:64] or "session"
        return self.exports_dir / f"flux-{slug}-{ident}.{fmt}"

    async def export(self, session_id: str, fmt: str, path: str | Path) -> Path:
        """Write the session as ``md`` or ``jsonl`` to ``path`` (relative: to ``exports_dir``); the
        file written, absolute."""
        store = self._store()
        target = Path(path).expanduser()
        if not target.is_absolute():
            target = self.exports_dir / target
        from flux_tui.sessions.jsonl import export_jsonl  # not before the first frame
        from flux_tui.sessions.markdown import export_markdown

        render = export_markdown if fmt == "md" else export_jsonl

        def write() -> Path:
            loaded = store.load(session_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_private(target, render(loaded, secrets=self.secrets))
            return target.resolve()

        return await asyncio.to_thread(write)
