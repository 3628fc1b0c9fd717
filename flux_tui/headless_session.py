"""Saving a ``flux-tui run`` as a session, and saying so on standard error when it cannot be saved.

The recorder never raises into the agent loop: a failed write (the database locked by another process,
a damaged page, a full disk) is kept and tried again with later writes, as in the app. When the answer
is done, ``RunRecording.finish`` keeps trying for up to ``SAVE_TIMEOUT`` seconds; if the session still
cannot be written, the run ends with a message and the store's exit code instead of a silent 0.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from flux_tui.core.terminal_text import terminal_safe
from flux_tui.services.recording import new_recorder
from flux_tui.sessions import SessionStore
from flux_tui.sessions.models import EXIT_STORE, SessionStoreError

#: Seconds ``finish`` goes on trying to write the run's events once the answer is done.
SAVE_TIMEOUT = 15.0


class RunRecording:
    """A recorder of one headless run into ``store`` (which this closes), reporting on ``err``."""

    def __init__(
        self,
        store: SessionStore,
        *,
        session_id: str | None = None,
        secrets: Iterable[str | None] = (),
        err: TextIO | None = None,
    ) -> None:
        self.store = store
        self._err = err
        self._reported: set[str] = set()
        self.recorder = new_recorder(store, session_id, secrets=secrets, on_error=self._failed)

    def _say(self, text: str) -> None:
        err = self._err or sys.stderr  # looked up late, so redirected streams are honoured
        err.write(f"flux-tui: {terminal_safe(text)}\n")
        err.flush()

    def _failed(self, exc: Exception) -> None:
        text = f"cannot save the session: {exc}"
        if not isinstance(exc, SessionStoreError) or exc.transient:
            text += " (trying again)"
        if text not in self._reported:
            self._reported.add(text)
            self._say(text)

    def finish(self, code: int) -> int:
        """Save what is left, close, and return the exit code: ``EXIT_STORE`` instead of a success
        when the session could not be saved (a failed run keeps its own code; the message says both)."""
        try:
            saved = self.recorder.save(SAVE_TIMEOUT)
            self.recorder.close()
        finally:
            self.store.close()
        if saved:
            return code
        if self.recorder.last_error is not None:
            self._failed(self.recorder.last_error)  # unless already said
        self._say("the session was not saved: this run is not in `flux-tui sessions list`")
        return EXIT_STORE if code == 0 else code
