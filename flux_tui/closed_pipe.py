"""Standard output closed by its reader (``flux-tui ... | head``): the command ends quietly, as Unix
tools do on SIGPIPE, with exit code 141.

Python ignores SIGPIPE, so a write to a pipe nobody reads raises BrokenPipeError. Where it is caught
(the command line for every subcommand; the event sinks of ``run``, whose exceptions the agent would
only log) :func:`reader_gone` points standard output at the null device, so the text still buffered and
the flush at exit go nowhere instead of raising again, and ends the running turn as Ctrl+C does, so the
run's session is still saved.
"""

from __future__ import annotations

import asyncio
import os
import sys

_state = {"gone": False}


def reset() -> None:
    """A new command: its standard output is open."""
    _state["gone"] = False


def is_gone() -> bool:
    """Whether standard output's reader went away during this command."""
    return _state["gone"]


def reader_gone(*, end_turn: bool = True) -> None:
    """Standard output's reader went away: write nowhere from now on, and (``end_turn``: called from
    an event sink, inside the turn's task) end the turn running."""
    if _state["gone"]:
        return
    _state["gone"] = True
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture): nothing to point
        fd = None
    if fd is not None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)
    if not end_turn:
        return
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop: the caller returns by itself
        task = None
    if task is not None:
        task.cancel()
