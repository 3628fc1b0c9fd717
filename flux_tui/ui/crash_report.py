"""What the app leaves behind when it stops on an unexpected error.

Textual prints a traceback as the app exits, to a terminal that may be gone by the time the crash is
reported: the app's log keeps it too, redacted like every record. Textual's traceback lists every
frame's local variables, where a provider's key can sit (a request's headers, an SDK client); the one
printed here shows the frames and their code, not their locals.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


class CrashReport:
    """Mixed into the app ahead of ``App``, whose two handlers of an unhandled exception it extends."""

    def _handle_exception(self: Any, error: Exception) -> None:
        log.critical("flux-tui stopped on an unexpected error", exc_info=error)
        super()._handle_exception(error)  # type: ignore[misc]

    def _fatal_error(self: Any) -> None:
        from rich.traceback import Traceback  # only on a crash

        self.bell()
        self.panic(Traceback(width=None))  # the exception being handled, as Textual's own report
