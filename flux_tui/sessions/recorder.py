"""The session store's event sink: pass a ``SessionRecorder`` to the agent loop like any listener.

Every event is written as it arrives, except streamed text and thinking: those deltas are buffered and
written together, at least every ``flush_interval`` seconds, so a long answer costs a few small
transactions a second instead of one per token. The buffer is written
- before any other event (the end of a block, a step, a tool call, usage...),
- by a background thread ``flush_interval`` after the last write, so a ``kill -9`` loses at most the
  last interval (``autoflush=False``: by the caller's thread, when a delta arrives that late),
- on ``flush()`` / ``close()``.
While text streams, the tail that could be the start of a key (see ``Redactor.unsafe_tail_start``;
usually the last partial word) waits for the next write, so a key split across deltas is redacted whole.

A new conversation gets its session on the first event worth keeping (``worth_keeping``): a model
answered, or something was said. Until then its events wait in memory, so opening the app and quitting,
a provider switch, or a prompt refused because no key is configured leave no session behind; once the
session is made, the events that waited are written first, in order. A prompt whose turn is still open
``flush_interval`` after it was sent (a model slow to answer) is written then, like a delta: a crash
loses no more of a new conversation than of any other.

A recorder never raises into the agent loop: a failed write is logged, reported to ``on_error`` and
retried with a later write (not before a second has passed, or on ``flush()``). If the session is
deleted while recording, the recorder reports it and stops.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Iterable

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    MessageCommitted,
    PromptUnanswered,
    ProviderSwitched,
    TextDelta,
    ThinkingDelta,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.redact import Redactor

from .lease import SessionLease
from .models import SessionNotFoundError, SessionStoreError
from .store import SessionStore

log = logging.getLogger(__name__)

DEFAULT_FLUSH_INTERVAL = 0.5  # seconds: well inside the 1 s a crash may lose
_MAX_RETRY_EVENTS = 10_000
_RETRY_DELAY = 1.0  # seconds before a failed write is tried again


def worth_keeping(event: AgentEvent) -> bool:
    """Whether ``event`` makes a new conversation worth a stored session. A prompt, the user message it
    commits, a provider switch and a clear are not, on their own; nor is a turn that failed before any
    request because the provider is not configured (no key, no URL): nothing was asked, nothing answered."""
    if isinstance(event, TurnStarted | ProviderSwitched | HistoryCleared):
        return False
    if isinstance(event, MessageCommitted):
        return event.message.get("role") != "user"
    if isinstance(event, TurnFailed):
        return event.error_type != "ConfigError"
    if isinstance(event, PromptUnanswered):
        return event.sent  # a prompt no provider received is kept only with the session it joins
    return True


class SessionRecorder:
    """``recorder(event)`` stores one agent event. ``session_id=None`` creates the session on the first
    event worth keeping (see the module docstring; ``create`` makes it, by default
    ``store.create_session``); see ``session_id``/``ensure_session``.

    A recorder holds its session's lease (see ``lease.py``) until it is closed: given a ``session_id``,
    it takes it at once (``lease``: one taken already) and raises ``SessionBusyError`` when another
    process records that session; a session it creates is leased on creation.
    """

    def __init__(
        self,
        store: SessionStore,
        session_id: str | None = None,
        *,
        secrets: Iterable[str | None] = (),
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        autoflush: bool = True,
        clock: Callable[[], float] = time.monotonic,
        on_error: Callable[[Exception], None] | None = None,
        lease: SessionLease | None = None,
        create: Callable[[], str] | None = None,
    ) -> None:
        if lease is None and session_id is not None:
            lease = SessionLease.acquire(store.path, session_id)
        self._lease = lease
        self._create = create  # None: a new session of its own, started at its first event
        self._store = store
        self._session_id = session_id
        self.redactor = Redactor(secrets)
        self.flush_interval = flush_interval
        self._autoflush = autoflush
        self._clock = clock
        self._on_error = on_error
        self.last_error: Exception | None = None
        self._buffer: list[AgentEvent] = []  # deltas of one kind, not yet written
        self._retry: list[AgentEvent] = []  # events of a write that failed
        self._waiting: list[AgentEvent] = []  # no session yet, and nothing worth keeping so far
        self._open_since: float | None = None  # when the turn that waits was started (None: none open)
        self._retry_at = 0.0
        self._dirty = False  # deltas arrived since the last write
        self._last_write = clock()
        self._cond = threading.Condition(threading.RLock())
        self._closed = False
        self._thread: threading.Thread | None = None
        atexit.register(self.close)

    @property
    def session_id(self) -> str | None:
        return self._session_id

    def ensure_session(self, started: float | None = None) -> str:
        """The session id, creating the session now if it does not exist yet (``started``: the time of
        its first event; the session is made at its first write, when there is something to keep)."""
        with self._cond:
            if self._session_id is None:
                create = self._create
                self._session_id = create() if create else self._store.create_session(created_at=started)
                self._lease = SessionLease.acquire(self._store.path, self._session_id)
            return self._session_id

    def hand_over_lease(self) -> SessionLease | None:
        """The session's lease, for the recorder that goes on with the same session (this one keeps
        writing what it holds, and no longer releases the lease when closed)."""
        with self._cond:
            lease, self._lease = self._lease, None
            return lease

    # -- the sink ---------------------------------------------------------------------------------

    def __call__(self, event: AgentEvent) -> None:
        with self._cond:
            if self._closed:
                log.debug("session recorder is closed; dropping a %s event", event.kind)
                return
            if self._wait(event):
                return
            if isinstance(event, TextDelta | ThinkingDelta):
                if self._buffer and self._buffer[-1].kind != event.kind:
                    self._write(self._take(holdback=False))  # thinking ended, text begins
                self._buffer.append(event)
                was_dirty, self._dirty = self._dirty, True
                if self._autoflush:
                    # The thread writes deltas, so the database is not written on the event loop. Only
                    # the first delta of a burst wakes it: it then sleeps until the write is due, and
                    # waking it for every token would fight the UI for the GIL.
                    if not was_dirty:
                        self._ensure_thread()
                        self._cond.notify()
                elif self._clock() - self._last_write >= self.flush_interval:
                    self._flush_locked(holdback=True)
            else:
                self._write([*self._take(holdback=False), event])

    def _wait(self, event: AgentEvent) -> bool:
        """Keep ``event`` in memory while a new conversation has nothing worth keeping; True if kept."""
        if self._session_id is not None or self._buffer or self._retry:
            return False
        if worth_keeping(event) or self._open_turn_due():
            self._stop_waiting()
            return False
        self._waiting.append(event)
        if isinstance(event, TurnStarted):
            self._open_since = self._clock()
            if self._autoflush:
                self._ensure_thread()
                self._cond.notify()
        elif isinstance(event, TurnFailed | TurnFinished | TurnCancelled):
            self._open_since = None
        return True

    def _open_turn_due(self) -> bool:
        return self._open_since is not None and self._clock() - self._open_since >= self.flush_interval

    def _stop_waiting(self) -> None:
        """What waited is written first, by the next write (which makes the session)."""
        if self._waiting:
            self._retry, self._waiting = [*self._waiting, *self._retry], []
            self._retry_at = 0.0
        self._open_since = None

    def flush(self) -> None:
        """Write everything buffered now (the end of a block: nothing is held back)."""
        with self._cond:
            if self._open_since is not None:  # a prompt still waiting for its answer
                self._stop_waiting()
            self._write(self._take(holdback=False), force=True)
            self._dirty = False

    @property
    def unsaved(self) -> int:
        """Events received but not written yet (buffered deltas, and those of a failed write)."""
        with self._cond:
            return len(self._buffer) + len(self._retry)

    def save(self, timeout: float) -> bool:
        """Write everything now, trying a failing store again (locked by another process...) for up to
        ``timeout`` seconds; True when all of it is written."""
        deadline = time.monotonic() + timeout
        while True:
            self.flush()
            if not self.unsaved:
                return True
            if isinstance(self.last_error, SessionStoreError) and not self.last_error.transient:
                return False  # damaged, not writable...: waiting does not help
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(_RETRY_DELAY, remaining))

    def close(self) -> None:
        """Flush and stop the background thread; later events are dropped."""
        with self._cond:
            if not self._closed:
                self.flush()
                self._closed = True
            self._cond.notify_all()
            thread, self._thread = self._thread, None
        atexit.unregister(self.close)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        with self._cond:
            lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()

    def __enter__(self) -> SessionRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------------

    def _flush_locked(self, *, holdback: bool) -> None:
        batch = self._take(holdback=holdback)
        if batch:
            self._write(batch)
        self._dirty = False
        self._last_write = self._clock()

    def _take(self, *, holdback: bool) -> list[AgentEvent]:
        """Remove and return the buffered deltas; with ``holdback``, keep those that carry a tail
        that might be the start of a key."""
        if not holdback or not self._buffer:
            taken, self._buffer = self._buffer, []
            return taken
        texts = [getattr(e, "text", "") for e in self._buffer]
        cut = self.redactor.unsafe_tail_start("".join(texts))
        position = 0
        for index, text in enumerate(texts):
            if position + len(text) > cut:
                taken, self._buffer = self._buffer[:index], self._buffer[index:]
                return taken
            position += len(text)
        taken, self._buffer = self._buffer, []
        return taken

    def _write(self, events: list[AgentEvent], *, force: bool = False) -> None:
        if not events and not self._retry:
            return
        batch = [*self._retry, *events]
        if self._retry and not force and self._clock() < self._retry_at:
            self._retry = batch[-_MAX_RETRY_EVENTS:]  # the store just failed: don't hammer it
            return
        try:
            session_id = self.ensure_session(started=batch[0].ts if batch else None)
            self._store.append(session_id, batch, redactor=self.redactor)
        except SessionNotFoundError as exc:  # deleted under us (the browser): nothing to append to
            self._retry, self._buffer, self._closed = [], [], True
            self._report(exc)
            return
        except Exception as exc:
            self._retry = batch[-_MAX_RETRY_EVENTS:]
            self._retry_at = self._clock() + _RETRY_DELAY
            self._report(exc)
            return
        self._retry = []
        self._last_write = self._clock()

    def _report(self, exc: Exception) -> None:
        if self.last_error is None or str(exc) != str(self.last_error):
            log.error("could not save session events: %s", exc)
        self.last_error = exc
        if self._on_error is not None:
            try:
                self._on_error(exc)
            except Exception:
                log.exception("session recorder on_error callback failed")

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="flux-session-flush", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                due = [self._last_write] if self._dirty else []
                if self._open_since is not None:
                    due.append(self._open_since)
                if not due:
                    self._cond.wait()
                    continue
                delay = min(due) + self.flush_interval - self._clock()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                if self._open_turn_due():
                    self._stop_waiting()
                    self._write([])
                if self._dirty:
                    self._flush_locked(holdback=True)
