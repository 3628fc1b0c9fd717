"""Recording the conversation into the session store: how a recorder is made (the configured keys
redacted from what it writes), and the agent sink that stands for "the current session".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flux_tui.core.agent_events import AgentEvent
from flux_tui.sessions import SessionRecorder, SessionStore
from flux_tui.sessions.lease import SessionLease


def new_recorder(
    store: SessionStore,
    session_id: str | None = None,
    *,
    secrets: Iterable[str | None] = (),
    on_error: Callable[[Exception], None] | None = None,
    lease: SessionLease | None = None,
    create: Callable[[], str] | None = None,
) -> SessionRecorder:
    """A recorder appending to ``session_id`` (None: a new session, made on the first event worth
    keeping, by ``create`` if given). ``secrets`` never reach the store. ``SessionBusyError`` when
    another process records ``session_id``."""
    return SessionRecorder(
        store,
        session_id,
        secrets=[s for s in secrets if s],
        on_error=on_error,
        lease=lease,
        create=create,
    )


class RecorderSlot:
    """The agent sink standing for "the current session": forwards every event to its recorder, so
    going on in another session only swaps the recorder behind it."""

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
        return new_recorder(
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
