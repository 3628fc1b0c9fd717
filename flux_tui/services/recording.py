"""Recording the conversation into the session store: how a recorder is made (the configured keys
redacted from what it writes), and the agent sink that stands for "the current session".

A turn's answer can be written after the frame that shows its end (``RecorderSlot.write_after_frames``):
storing the answer's message is the turn's largest write (redacting, encoding and indexing a 107 kB
answer: 5 ms, measured), and in the app it runs on the thread that draws, between the stream's end and
the frame the user waits for. Held events wait for that frame only (at most until the next turn starts),
and every other use of the slot writes them first, so the store still gets every event, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from flux_tui.core.agent_events import AgentEvent, MessageCommitted, TurnStarted
from flux_tui.sessions import SessionRecorder, SessionStore
from flux_tui.sessions.lease import SessionLease

log = logging.getLogger(__name__)


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
        self._after_frame: Callable[[Callable[[], None]], object] | None = None
        self._held: list[AgentEvent] | None = None  # an answer's end, until its frame is drawn

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

    def write_after_frames(self, after_frame: Callable[[Callable[[], None]], object]) -> None:
        """From now on, a turn's answer (its message and the events after it) reaches the recorder
        once ``after_frame(callback)`` calls back: the app's ``after_end_frame``, after the frame that
        shows the turn's end (see the module docstring)."""
        self._after_frame = after_frame

    def __call__(self, event: AgentEvent) -> None:
        if self._held is not None and isinstance(event, TurnStarted):
            self.release()  # a turn's events never wait beyond the next turn's start
        if self._held is None and self._after_frame is not None and _ends_the_turn(event):
            self._held = []
            try:
                self._after_frame(self.release)
            except Exception:  # no frame to wait for (the app is closing): written at once
                self.release()
                log.debug("no frame to write an answer's end after", exc_info=True)
        if self._held is not None:
            self._held.append(event)
        else:
            self.recorder(event)

    def release(self) -> None:
        """Hand the held events, in order, to the recorder (which writes them at once)."""
        held, self._held = self._held, None
        for event in held or ():
            self.recorder(event)

    @property
    def session_id(self) -> str | None:
        self.release()  # a new conversation's session is made by the first event worth keeping
        return self.recorder.session_id

    def switch(self, session_id: str | None, *, create: Callable[[], str] | None = None) -> None:
        """From now on, append to ``session_id`` (None: a new session, made by ``create`` on the first
        event). ``SessionBusyError`` when another process records ``session_id``: nothing changes."""
        self.release()
        old = self.recorder
        same = session_id is not None and session_id == old.session_id
        self.recorder = self._new(session_id, old.hand_over_lease() if same else None, create)
        old.close()

    def flush(self) -> None:
        self.release()
        self.recorder.flush()

    def close(self) -> None:
        self.release()
        self.recorder.close()


def _ends_the_turn(event: AgentEvent) -> bool:
    """The answer's message that ends a turn: an assistant's, with no tool call (a step that calls
    tools goes on, perhaps into an approval dialog: nothing of it waits for a frame)."""
    message = event.message if isinstance(event, MessageCommitted) else None
    return (
        message is not None
        and message.get("role") == "assistant"
        and not any(block.get("type") == "tool_use" for block in message.get("blocks") or ())
    )
