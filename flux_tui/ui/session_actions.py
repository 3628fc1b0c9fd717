"""The app's session commands: browse, resume, fork, replay, and what a replay ends with.

``SessionActions`` runs them over a ``SessionService`` (``service``: the store, the recorder of the
conversation on screen, fork, delete, rename, export, import) and says what happened the app's way:
notifications, notices in the chat, the session dialogs. The app is built with ``service.sinks()``
among its agent sinks. Replayed events never go through the agent, so nothing of a replay is recorded.

Slow work (loading, forking, importing) runs off the UI thread, in the service's threads, from workers.
Notifications pass ``markup=False``: they carry error messages and paths, which Textual would read as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from flux_tui.services.sessions import SessionService
from flux_tui.sessions import LoadedSession, SessionError, SessionStore
from flux_tui.ui import session_display

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from flux_tui.ui.app import FluxApp


BUSY = "An answer is streaming (or a replay is playing): finish or stop it first (Esc)."


class SessionActions:
    """The session commands of a ``FluxApp`` over the sessions of ``store`` (None: the store could not
    be opened, ``problem`` says why; replays of loaded sessions such as the demo still work)."""

    def __init__(
        self, store: SessionStore | None, *, secrets: Iterable[str | None] = (), problem: str | None = None
    ) -> None:
        self.service = SessionService(
            store, secrets=secrets, problem=problem, on_error=self._recorder_failed, on_notice=self.tell
        )
        self.app: FluxApp | None = None
        self._startup: list[Callable[[], object]] = []
        self._reported: set[str] = set()

    # -- wiring ---------------------------------------------------------------------------------------

    def attach(self, app: FluxApp) -> None:
        self.app = app
        app.session_actions = self
        if self.service.sink is not None:
            # The answer's end is stored after the frame that shows it (see ``services.recording``).
            self.service.sink.write_after_frames(app.after_end_frame)
        budget = app.turns.budget_guard
        if self.service.store is not None and budget is not None:
            budget.spent_elsewhere_today = self.service.spent_elsewhere_today

    def on_ready(self, action: Callable[[], object]) -> None:
        """Run ``action`` once the app is mounted (a resume or replay asked for on the command line)."""
        self._startup.append(action)

    def app_ready(self) -> None:
        actions, self._startup = self._startup, []
        for action in actions:
            action()

    def close(self) -> None:
        self.service.close()

    def notice(self, text: str, level: str = "info") -> None:
        """A line in the chat (when the app is up)."""
        if self.app is not None:
            self.app.conversation.notice(text, level)

    def _app(self) -> FluxApp:
        if self.app is None:
            raise RuntimeError("SessionActions.attach(app) was not called")
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

    def refuse_if_busy(self) -> bool:
        """Say so and return True while an answer streams or a replay plays."""
        app = self._app()
        if app.turn_running:
            app.notify(BUSY, severity="warning", markup=False)
            return True
        return False

    # -- browsing ---------------------------------------------------------------------------------------

    def open_browser(self) -> None:
        app = self._app()
        if self.service.store is None:
            app.conversation.notice(self.service.unavailable, "warning")
            return
        from flux_tui.ui.screens.sessions import SessionsScreen

        app.push_screen(SessionsScreen(self))

    # -- resume ---------------------------------------------------------------------------------------

    def resume(self, id_or_prefix: str) -> None:
        """``/resume ID``: the session that id (or a unique prefix of it) names, resumed."""
        try:
            session_id = self.service.resolve_id(id_or_prefix)
        except SessionError as exc:
            self._app().conversation.notice(str(exc), "warning")
            return
        self.open_session(session_id)

    def open_session(self, session_id: str) -> None:
        """Resume ``session_id`` in the app (a worker loads it): the conversation on screen is replaced."""
        if self.refuse_if_busy():
            return
        self._app().run_worker(self._open(session_id), group="sessions", exit_on_error=False)

    async def _open(self, session_id: str) -> None:
        loaded = await self._load(session_id, split_deltas=False)
        if loaded is not None:
            self.show_session(loaded, record=True)

    async def _load(self, session_id: str, *, split_deltas: bool = True) -> LoadedSession | None:
        try:
            return await self.service.load(session_id, split_deltas=split_deltas)
        except SessionError as exc:
            self._app().notify(str(exc), severity="error", markup=False)
            return None

    def show_session(
        self, loaded: LoadedSession, *, record: bool, chosen: tuple[str | None, str | None] = (None, None)
    ) -> None:
        """Make ``loaded`` the conversation (see ``session_display.show_session``); with ``record``, new
        events are appended to that session, unless another process records it: then the user is
        told, and chooses between a fork and read-only (see ``session_busy.offer_fork``)."""
        busy = self.service.record_into(loaded) if record else None
        session_display.show_session(self._app(), loaded, chosen=chosen)
        if busy is not None:
            from flux_tui.ui.screens.session_busy import offer_fork

            offer_fork(self, loaded, busy)

    # -- fork -------------------------------------------------------------------------------------------

    def fork_session(self, session_id: str, message_id: str) -> None:
        """Continue from here: a new session holding ``session_id`` up to that prompt's answer, opened."""
        if self.refuse_if_busy():
            return
        self._app().run_worker(self._fork(session_id, message_id), group="sessions", exit_on_error=False)

    async def _fork(self, session_id: str, message_id: str) -> None:
        app = self._app()
        try:
            new_id = await self.service.fork(session_id, message_id)
        except SessionError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        loaded = await self._load(new_id)
        if loaded is not None:
            self.show_session(loaded, record=True)
            app.notify(f"Forked into a new session {new_id}.", markup=False)

    # -- replay ---------------------------------------------------------------------------------------

    def replay_by_id(self, session_id: str) -> None:
        """``/replay ID`` and the browser's replay: load in a worker, then play."""
        if self.refuse_if_busy():
            return
        self._app().run_worker(self._replay(session_id), group="sessions", exit_on_error=False)

    async def _replay(self, session_id: str) -> None:
        try:
            resolved = await asyncio.to_thread(self.service.resolve_id, session_id)
        except SessionError as exc:
            self._app().conversation.notice(str(exc), "warning")
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

        if self.refuse_if_busy():
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
        if stored or self.service.store is None:
            fresh = await self._load(loaded.id) if stored else None
            self.show_session(fresh or loaded, record=stored)
            return
        new_id = await self.service.import_loaded(loaded)
        imported = await self._load(new_id)
        if imported is not None:
            self.show_session(imported, record=True)
            self._app().notify(f"Saved as session {new_id}: go on from here.", markup=False)

    async def show_live(self) -> None:
        """Show the recorded conversation again (the history for the model was never touched)."""
        app = self._app()
        try:
            events = await self.service.live_events()
        except SessionError as exc:
            app.notify(str(exc), severity="error", markup=False)
            events = []
        session_display.show_events(app, events)
