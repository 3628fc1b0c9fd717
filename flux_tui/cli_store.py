"""How the command line reports a session store problem: one message and its exit code."""

from __future__ import annotations

import sys


def store_problem(exc: Exception) -> int | None:
    """The one place a session store problem becomes a message and an exit code (None: not one)."""
    from flux_tui.core.terminal_text import terminal_safe
    from flux_tui.sessions.models import EXIT_STORE, SessionStoreError

    if not isinstance(exc, SessionStoreError):
        return None
    print(f"flux-tui: {terminal_safe(str(exc))}", file=sys.stderr)
    return EXIT_STORE
