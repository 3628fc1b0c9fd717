"""The stale-write guard: remember what the model saw of each file, refuse to overwrite newer changes.

A stamp is (size, mtime_ns, sha256) of the file as the model last read or wrote it. Size and mtime are
the cheap check; when they differ the content hash decides, so a file that was only touched (same
bytes) is still considered fresh. The cheap check is trusted only for a file whose mtime was already
``SETTLED_NS`` old when the stamp was taken: a file system that keeps coarse times (FAT's two seconds, some
network file systems' one) gives an edit made soon after the stamp the same mtime, and with the same
size it would pass unseen, so such a file is hashed (as git treats a "racily clean" file).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from flux_tui.tools.jail import ToolError
from flux_tui.tools.special import read_regular

SETTLED_NS = 3_000_000_000  # older than the coarsest file-time resolution in use (two seconds)


@dataclass(frozen=True, slots=True)
class Stamp:
    size: int
    mtime_ns: int
    sha256: str
    taken_ns: int  # when the stamp was taken (wall clock, as file times are)

    @property
    def settled(self) -> bool:
        """The file's mtime was old enough, when stamped, that a later change gets another one."""
        return self.taken_ns - self.mtime_ns >= SETTLED_NS


def stamp_of(data: bytes, st: os.stat_result) -> Stamp:
    return Stamp(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest(), time.time_ns())


class ReadStamps:
    """Per-file stamps of the session (keyed by resolved path)."""

    def __init__(self) -> None:
        self._stamps: dict[Path, Stamp] = {}

    def record(self, path: Path, data: bytes, st: os.stat_result) -> None:
        self._stamps[path] = stamp_of(data, st)

    def forget(self, path: Path) -> None:
        self._stamps.pop(path, None)

    def known(self, path: Path) -> bool:
        return path in self._stamps

    def clear(self) -> None:
        """Forget every stamp: the model's history no longer holds what it read or wrote."""
        self._stamps.clear()

    def check_fresh(self, path: Path, shown: str) -> None:
        """Raise ToolError when ``path`` changed on disk since the model last read or wrote it.

        Files the model never read are not checked (``edit_file`` still needs its ``old_string`` to
        match, and a new file has nothing to protect).
        """
        stamp = self._stamps.get(path)
        if stamp is None:
            return
        try:
            st = path.stat()
        except FileNotFoundError:
            raise ToolError(
                f"{shown} was deleted since you last read or wrote it; check with list_files before writing"
            ) from None
        if st.st_size == stamp.size and st.st_mtime_ns == stamp.mtime_ns and stamp.settled:
            return
        data, _ = read_regular(path, shown)  # it may have been replaced by a pipe: never wait on one
        if hashlib.sha256(data).hexdigest() == stamp.sha256:
            self._stamps[path] = stamp_of(data, st)
            return
        when = time.strftime("%H:%M:%S", time.localtime(st.st_mtime_ns / 1e9))
        raise ToolError(
            f"{shown} changed on disk since you last read or wrote it (modified at {when}, now {st.st_size} "
            f"bytes, was {stamp.size}); someone else edited it. Read it again with read_file before "
            "changing it, so their changes are not lost."
        )
