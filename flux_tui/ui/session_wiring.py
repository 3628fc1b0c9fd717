"""The session store in the running app: recording, resume, fork, delete guard, export, replay start.

``SessionWiring`` owns the store and the recorder of the conversation on screen. The app is built with
``wiring.sink`` among its agent sinks (a ``RecorderSlot``: it forwards to the recorder of the current
session, so resuming another session only swaps the recorder behind it). Replayed events never go
through the agent, so nothing of a replay is ever recorded.

Slow work (loading, forking, exporting) runs off the UI thread (``asyncio.to_thread``) in workers.
Notifications pass ``markup=False``: they carry error messages and paths, which Textual would read as markup.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flux_tui.core.agent_events import AgentEvent
from flux_tui.sessions import (
    LoadedSession,
    SessionError,
    SessionInfo,
    SessionRecorder,
    SessionStore,
    export_jsonl,
    export_markdown,
    import_jsonl,
)
from flux_tui.sessions.lease import SessionBusyError, SessionLease, holder_of
from flux_tui.ui import session_lease, session_view

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from flux_tui.ui.app import FluxApp


BUSY = "An answer is streaming (or a replay is playing): finish or stop it first (Esc)."
NO_STORE = "Sessions are not available in this run: the session store could not be opened."


class RecorderSlot:
    """The agent sink standing for "the session on screen": forwards every event to its recorder."""

    def __init__(
        self,
        store: SessionStore,
        *,
        secrets: Iterable[str | None] = (),
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._store = store
        self._secrets = [s for s in secrets if s]
        self._on_error = on_error
        self.recorder = self._new(None)

    def _new(
        self,
        session_id: str | None,
        lease: SessionLease | None = None,
        create: Callable[[], str] | None = None,
    ) -> SessionRecorder:
        return SessionRecorder(
            self._store,
            session_id,
            secrets=self._secrets,
            on_error=self._on_error,
            lease=lease,
            create=create,
        )

    def __call__(self, event: AgentEvent) -> None:
        self.recorder(event)

    @property
    def session_id(self) -> str | None:
        return self.recorder.session_id

    def switch(self, session_id: str | None, *, create: Callable[[], str] | None = None) -> None:
        """From now on, append to ``session_id`` (None: a new session, made by ``create`` on the first
        event). ``SessionBusyError`` when another process records ``session_id``: nothing changes."""
        old = self.recorder
        same = session_id is not None and session_id == old.session_id
        self.recorder = self._new(session_id, old.hand_over_lease() if same else None, create)
        old.close()

    def flush(self) -> None:
        self.recorder.flush()

    def close(self) -> None:
        self.recorder.close()


class SessionWiring:
    """Connects a ``FluxApp`` to a ``SessionStore`` (``store=None``: the store could not be opened;
    replays of loaded sessions such as the demo still work)."""

    def __init__(
        self, store: SessionStore | None, *, secrets: Iterable[str | None] = (), problem: str | None = None
    ) -> None:
        self.store = store
        #: What every session action says when there is no store: why it could not be opened.
        self.unavailable = f"Sessions are not available in this run: {problem}" if problem else NO_STORE
        self.secrets = [s for s in secrets if s]
        self.sink: RecorderSlot | None = (
            RecorderSlot(store, secrets=self.secrets, on_error=self._recorder_failed) if store else None
        )
        self.app: FluxApp | None = None
        self._startup: list[Callable[[], object]] = []
        self._reported: set[str] = set()

    # -- wiring ---------------------------------------------------------------------------------------

    def sinks(self) -> list[Callable[[AgentEvent], None]]:
        """What to pass as ``FluxApp(sinks=...)``."""
        return [self.sink] if self.sink is not None else []

    def attach(self, app: FluxApp) -> None:
        self.app = app
        app.session_wiring = self
        app.open_sessions_handler = self.open_browser
        app.replay_handler = self.replay_by_id
        step = getattr(app, "reliable_step", None)
        if self.store is not None and step is not None and step.budget is not None:
            step.budget.spent_elsewhere_today = self.spent_elsewhere_today

    def spent_elsewhere_today(self) -> float:
        """What the other sessions of the data dir spent today (``budget_usd_per_day``)."""
        from flux_tui.sessions.daily import spent_since, start_of_today

        if self.store is None:
            return 0.0
        return spent_since(self.store, start_of_today(), exclude_session=self.current_session_id)

    def on_ready(self, action: Callable[[], object]) -> None:
        """Run ``action`` once the app is mounted (a resume or replay asked for on the command line)."""
        self._startup.append(action)

    def app_ready(self) -> None:
        actions, self._startup = self._startup, []
        for action in actions:
            action()

    @property
    def current_session_id(self) -> str | None:
        """The session being recorded (None until the first event of a new conversation)."""
        return self.sink.session_id if self.sink is not None else None

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()
        if self.store is not None:
            self.store.close()

    def notice(self, text: str, level: str = "info") -> None:
        """A line in the chat (when the app is up)."""
        if self.app is not None:
            self.app.conversation.notice(text, level)

    def _app(self) -> FluxApp:
        if self.app is None:
            raise RuntimeError("SessionWiring.attach(app) was not called")
        return self.app

    def _recorder_failed(self, exc: Exception) -> None:
        text = f"Session not saved: {exc}"
        if text in self._reported:
            return
        self._reported.add(text)
        self.tell(text, "error")

    def tell(self, text: str, severity: SeverityLevel = "information") -> None:
        """A notification, from the recorder's threads as from the app's."""
        app = self.app
        if app is None:
            return
        try:
            app.call_from_thread(app.notify, text, severity=severity, timeout=10, markup=False)
        except RuntimeError:  # already on the app's thread
            app.notify(text, severity=severity, timeout=10, markup=False)

    def _refuse_if_busy(self) -> bool:
        app = self._app()
        if app.turn_running:
            app.notify(BUSY, severity="warning", markup=False)
            return True
        return False

    # -- browsing ---------------------------------------------------------------------------------------

    def open_browser(self) -> None:
        app = self._app()
        if self.store is None:
            app.conversation.notice(self.unavailable, "warning")
            return
        from flux_tui.ui.screens.sessions import SessionsScreen

        app.push_screen(SessionsScreen(self))

    # -- resume ---------------------------------------------------------------------------------------

    def open_session(self, session_id: str) -> None:
        """Resume ``session_id`` in the app (a worker loads it): the conversation on screen is replaced."""
        if self._refuse_if_busy():
            return
        self._app().run_worker(self._open(session_id), group="sessions", exit_on_error=False)

    async def _open(self, session_id: str) -> None:
        loaded = await self._load(session_id, split_deltas=False)
        if loaded is not None:
            self.show_session(loaded, record=True)

    async def _load(self, session_id: str, *, split_deltas: bool = True) -> LoadedSession | None:
        app = self._app()
        if self.store is None:
            app.notify(self.unavailable, severity="error", markup=False)
            return None
        try:
            return await asyncio.to_thread(self.store.load, session_id, split_deltas=split_deltas)
        except SessionError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return None

    def show_session(
        self, loaded: LoadedSession, *, record: bool, chosen: tuple[str | None, str | None] = (None, None)
    ) -> None:
        """Make ``loaded`` the conversation (see ``session_view.show_session``); with ``record``, new
        events are appended to that session, unless another process records it: then the user is
        told, and chooses between a fork and read-only (see ``SessionBusyScreen``)."""
        busy: SessionBusyError | None = None
        if record and self.sink is not None:
            try:
                self.sink.switch(loaded.id)
            except SessionBusyError as exc:
                busy = exc
                self.sink.switch(None, create=lambda: session_lease.copy_on_write(self, loaded))
        session_view.show_session(self._app(), loaded, chosen=chosen)
        if busy is not None:
            session_lease.offer_fork(self, loaded, busy)

    # -- fork -------------------------------------------------------------------------------------------

    def fork_session(self, session_id: str, message_id: str) -> None:
        """Continue from here: a new session holding ``session_id`` up to that prompt's answer, opened."""
        if self._refuse_if_busy():
            return
        self._app().run_worker(self._fork(session_id, message_id), group="sessions", exit_on_error=False)

    async def _fork(self, session_id: str, message_id: str) -> None:
        store, app = self.store, self._app()
        if store is None:
            return
        try:
            new_id = await asyncio.to_thread(store.fork, session_id, message_id=message_id)
        except (SessionError, ValueError) as exc:
            app.notify(f"Could not fork: {exc}", severity="error", markup=False)
            return
        loaded = await self._load(new_id)
        if loaded is not None:
            self.show_session(loaded, record=True)
            app.notify(f"Forked into a new session {new_id}.", markup=False)

    # -- delete, rename, export -----------------------------------------------------------------------

    def can_delete(self, session_id: str) -> str | None:
        """Why ``session_id`` may not be deleted now (None: it may)."""
        if session_id == self.current_session_id:
            return "This is the session being recorded: open another one (or start anew) to delete it."
        holder = holder_of(self.store.path, session_id) if self.store is not None else None
        if holder is not None:
            return f"This session is being recorded by {holder.describe()}: close it there to delete it."
        return None

    async def delete(self, session_id: str) -> None:
        reason = self.can_delete(session_id)
        if reason is not None:
            raise SessionError(reason)
        if self.store is not None:
            await asyncio.to_thread(self.store.delete, session_id)

    async def rename(self, session_id: str, title: str) -> None:
        if self.store is not None:
            await asyncio.to_thread(self.store.rename, session_id, title)

    @property
    def exports_dir(self) -> Path:
        """Where the browser's exports go: ``<data dir>/exports`` beside the session database (never the
        workspace, where an export would land among the project's files), else the home directory."""
        return self.store.path.parent / "exports" if self.store is not None else Path.home()

    def default_export_path(self, info: SessionInfo, fmt: str) -> Path:
        """``<exports dir>/flux-<title slug>-<id>.<fmt>``: one file name, whatever the title and id hold."""
        slug = re.sub(r"[^a-z0-9]+", "-", (info.title or "").lower()).strip("-")[:40] or "session"
        ident = re.sub(r"[^A-Za-z0-9_-]+", "-", info.id).strip("-")[:64] or "session"
        return self.exports_dir / f"flux-{slug}-{ident}.{fmt}"

    async def export(self, session_id: str, fmt: str, path: str | Path) -> Path:
        """Write the session as ``md`` or ``jsonl`` to ``path`` (relative: to ``exports_dir``)."""
        store = self.store
        if store is None:
            raise SessionError(self.unavailable)
        target = Path(path).expanduser()
        if not target.is_absolute():
            target = self.exports_dir / target
        render = export_markdown if fmt == "md" else export_jsonl

        def write() -> Path:
            loaded = store.load(session_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(loaded, secrets=self.secrets), encoding="utf-8")
            return target.resolve()

        return await asyncio.to_thread(write)

    # -- replay ---------------------------------------------------------------------------------------

    def replay_by_id(self, session_id: str) -> None:
        """``/replay ID`` and the browser's replay: load in a worker, then play."""
        if self._refuse_if_busy():
            return
        self._app().run_worker(self._replay(session_id), group="sessions", exit_on_error=False)

    async def _replay(self, session_id: str) -> None:
        store, app = self.store, self._app()
        if store is None:
            app.conversation.notice(self.unavailable, "warning")
            return
        try:
            resolved = await asyncio.to_thread(store.resolve_id, session_id)
        except SessionError as exc:
            app.conversation.notice(str(exc), "warning")
            return
        loaded = await self._load(resolved)
        if loaded is not None:
            self.start_replay(loaded)

    def start_replay(
        self,
        loaded: LoadedSession,
        *,
        speed: float | None = 1.0,
        start_paused: bool = False,
        stored: bool = True,
    ) -> bool:
        """Play ``loaded`` in the app. ``stored=False`` for a session that is not in the store (the demo):
        resuming it for real imports it first."""
        from flux_tui.ui.replay_controller import ReplayController

        if self._refuse_if_busy():
            return False
        controller = ReplayController(
            self._app(), loaded, speed=speed, start_paused=start_paused, on_close=self._replay_closed
        )
        controller.stored = stored
        return controller.start()

    async def _replay_closed(self, loaded: LoadedSession, resume: bool, stored: bool) -> None:
        """After a replay: resume it for real, or show the live conversation again."""
        if resume:
            await self._resume_replayed(loaded, stored)
        else:
            await self.show_live()

    async def _resume_replayed(self, loaded: LoadedSession, stored: bool) -> None:
        app = self._app()
        if stored or self.store is None:
            fresh = await self._load(loaded.id) if stored else None
            self.show_session(fresh or loaded, record=stored and self.sink is not None)
            return
        store = self.store
        text = export_jsonl(loaded)
        new_id = await asyncio.to_thread(import_jsonl, store, text, secrets=self.secrets)
        imported = await self._load(new_id)
        if imported is not None:
            self.show_session(imported, record=True)
            app.notify(f"Saved as session {new_id}: go on from here.", markup=False)

    async def show_live(self) -> None:
        """Show the recorded conversation again (the history for the model was never touched)."""
        app = self._app()
        events: list[AgentEvent] = []
        session_id = self.current_session_id
        if self.store is not None and session_id is not None and self.sink is not None:
            self.sink.flush()
            try:
                events = (await asyncio.to_thread(self.store.load, session_id)).events
            except SessionError as exc:
                app.notify(str(exc), severity="error", markup=False)
        session_view.show_events(app, events)
