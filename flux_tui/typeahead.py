"""Keys typed while the app starts reach it as typed, and the shell gets its terminal back unchanged.

Until Textual's driver puts the terminal in raw mode (about 0.4 s after launch) the tty is in the
shell's cooked mode, and it rewrites what is typed ahead: ICRNL turns Enter's ``\\r`` into ``\\n``,
which the app reads as ctrl+j (a newline in the prompt, so "fix the bug⏎" stays an unsent two-line
draft); IXON takes ctrl+q (and ctrl+s) for flow control; ICANON holds the keys as a line to edit; ECHO
prints them under the first frame. :func:`keep_typeahead` clears those flags the moment the command
line is parsed, the same ones the driver clears (``LinuxDriver._patch_iflag`` / ``_patch_lflag``), so
the bytes wait in the tty unchanged until the app reads them.

ISIG stays: ctrl+c before the first frame still stops a start the user gave up on.

Keys typed before that moment, while the interpreter starts (tens of milliseconds, or longer when
they are sent with the command, as a script or a terminal multiplexer does), went through the cooked
mode: the line editor has applied their backspaces, and every Enter is a ``\n``. :func:`hold` takes
them out of the tty as soon as they can be read whole and keeps them with each ``\n`` an Enter again
(a ctrl+j typed in those milliseconds reads as the Enter it cannot be told from); :func:`take_early`
hands them to the app, which puts them before the keys read after them.

Textual saves the attributes it finds when it starts and puts those back when it ends, which would be
the ones set here; so the attributes saved here, the shell's, are put back when the block ends,
however it ends (a return, an exception, SIGTERM or SIGHUP before the app handles them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

try:
    import termios
except ImportError:  # Windows: no tty modes to change
    termios = None  # type: ignore[assignment]

Attributes = list[Any]

_IFLAG, _LFLAG, _CC = 0, 3, 6


def _ending_signals() -> tuple[signal.Signals, ...]:
    return tuple(sig for sig in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if sig is not None)


def hold(fd: int) -> Attributes | None:
    """Make the tty on ``fd`` pass typed keys through untranslated and unechoed; its attributes before
    the change (to give to :func:`restore`), or None when ``fd`` is no tty and nothing changed."""
    if termios is None or not os.isatty(fd):
        return None
    try:
        original = termios.tcgetattr(fd)
        changed = termios.tcgetattr(fd)
        changed[_IFLAG] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
        changed[_LFLAG] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)
        changed[_CC][termios.VMIN] = 1  # without ICANON these slots are VMIN/VTIME: a read waits for 1 byte
        changed[_CC][termios.VTIME] = 0
        termios.tcsetattr(fd, termios.TCSANOW, changed)
    except termios.error:  # a tty that refuses (a background process group): leave it as it is
        return None
    global _early
    _early += _pending(fd).replace(b"\n", b"\r")
    return original


_early = b""  # keys typed before hold(), with Enter as typed


def _pending(fd: int) -> bytes:
    """The bytes waiting in the tty on ``fd`` (read without waiting for more)."""
    import fcntl
    import struct

    try:
        waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        return os.read(fd, waiting) if waiting > 0 else b""
    except OSError:
        return b""


def take_early() -> bytes:
    """The keys typed before :func:`hold` changed the tty, as typed; once (then empty)."""
    global _early
    early, _early = _early, b""
    return early


def restore(fd: int, original: Attributes | None) -> None:
    """Give the tty on ``fd`` back the attributes :func:`hold` found (nothing when it changed none)."""
    if original is None or termios is None:
        return
    # A terminal already closed (SIGHUP) has nobody to give them to.
    with contextlib.suppress(termios.error, OSError):
        termios.tcsetattr(fd, termios.TCSANOW, original)


def _stdin_fd() -> int | None:
    stream = sys.__stdin__
    try:
        return stream.fileno() if stream is not None else None
    except (OSError, ValueError):  # closed, or not a real file
        return None


@contextlib.contextmanager
def keep_typeahead(fd: int | None = None) -> Iterator[None]:
    """:func:`hold` the tty on ``fd`` (default: standard input) for the block, :func:`restore` it after.

    Until the app takes SIGTERM and SIGHUP over (to quit cleanly), either one restores the terminal
    and then ends the process as it would have ended anyway."""
    fd = _stdin_fd() if fd is None else fd
    original = hold(fd) if fd is not None else None
    if original is None:
        yield
        return
    assert fd is not None

    def _restore_and_die(signum: int, _frame: FrameType | None) -> None:
        restore(fd, original)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    before: dict[signal.Signals, Any] = {}
    for sig in _ending_signals():
        try:
            before[sig] = signal.signal(sig, _restore_and_die)
        except ValueError:  # not the main thread: signals are not this block's to take
            break
    try:
        yield
    finally:
        restore(fd, original)
        for sig, handler in before.items():
            if signal.getsignal(sig) is _restore_and_die:
                signal.signal(sig, handler)
