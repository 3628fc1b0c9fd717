"""Reading files without ever blocking on one that is not a regular file.

Opening a named pipe for reading waits for a writer (forever, in a workspace nobody writes to); a
device may do something on open (a tape rewinds) or never end; a socket cannot be opened at all. So a
path is ``lstat``-ed first and only a regular file is opened, with ``O_NONBLOCK`` (a pipe swapped in
between the check and the open then opens without waiting) and ``O_NOFOLLOW`` (the jail resolved the
path already: a link at its end now is a swap), and the open file is checked again with ``fstat``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flux_tui.tools.jail import ToolError

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
)
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words for a message."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def special_file_error(shown: str, mode: int) -> ToolError:
    return ToolError(
        f"{shown} is {kind_of(mode)}, not a regular file; the file tools only handle regular files"
    )


def lstat_regular(path: Path, shown: str) -> os.stat_result:
    """``lstat`` of ``path``; ToolError unless it is a regular file (directories get their own message)."""
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        raise ToolError(f"{shown} is a directory; use list_files to see what it contains")
    if not stat.S_ISREG(st.st_mode):
        raise special_file_error(shown, st.st_mode)
    return st


@contextlib.contextmanager
def open_regular(path: Path, shown: str) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """The open regular file ``path`` and its ``fstat``; ToolError for anything else, without waiting.

    OSErrors (missing file, permission) are left to the caller.
    """
    lstat_regular(path, shown)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise special_file_error(shown, st.st_mode)
        yield handle, st


def read_regular(path: Path, shown: str, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
    """The content and ``fstat`` of the regular file ``path`` (see ``open_regular``).

    ``max_bytes``: a larger file raises ToolError, checked on the open file before reading it.
    """
    with open_regular(path, shown) as (handle, st):
        if max_bytes is not None and st.st_size > max_bytes:
            raise ToolError(f"{shown} is too large ({st.st_size} bytes; the limit is {max_bytes})")
        return handle.read(), st
