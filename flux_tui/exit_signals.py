"""SIGHUP (the terminal closed) and SIGTERM end flux-tui the way quitting does, not on the spot.

Python's default for both is to die without running ``finally`` blocks, so the last session events
would not be written and the session's lock file (``sessions.db.<id>.lock``) would stay behind. Here
they become a clean exit of whatever runs: the app quits, a headless run is cancelled as Ctrl+C does.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator

ENDING_SIGNALS: tuple[signal.Signals, ...] = tuple(
    sig for sig in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if sig is not None
)


def end_on_signals(callback: Callable[[], object]) -> list[signal.Signals]:
    """Call ``callback`` in the running loop on SIGHUP or SIGTERM; the signals it could take over
    (none where the loop has no signal support; they are given back when the loop closes)."""
    loop = asyncio.get_running_loop()
    taken: list[signal.Signals] = []
    for sig in ENDING_SIGNALS:
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
            continue
        taken.append(sig)
    return taken


@contextlib.contextmanager
def ending_on_signals(callback: Callable[[], object]) -> Iterator[None]:
    """``end_on_signals`` for the duration of the block."""
    taken = end_on_signals(callback)
    try:
        yield
    finally:
        loop = asyncio.get_running_loop()
        for sig in taken:
            loop.remove_signal_handler(sig)
