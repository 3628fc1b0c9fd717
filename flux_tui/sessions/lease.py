"""One writer per session: a lease that a process holds while it records into a session.

Two processes appending to one session would splice their answers together event by event, and each
would miss the other's turns in its history. So a recorder first takes the session's lease: an OS lock
(``flock``) on a file per session beside the database (``sessions.db.<id>.lock``, removed when the
lease is released, and by the next lease taken when its holder died without releasing it). The
operating system releases the lock when the holder exits, however it exits (a ``kill -9`` too), so a
dead holder never blocks anyone, and no heartbeat is needed. The file
names the holder (pid, host, since when) for the message a second process shows: it is told, and
opens the session read-only or forks it.

Within one process, two leases of the same session exclude each other too (each opens the file anew).
Where ``fcntl`` does not exist (Windows) sessions are not leased.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .models import SessionStoreError, is_safe_session_id

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]



@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a lease, as it wrote itself into the lock file (None fields: it had not yet)."""

    pid: int | None = None
    host: str | None = None
    since: float | None = None

    def describe(self) -> str:
        if self.pid is None:
            return "another flux-tui"
        where = "" if self.host in (None, socket.gethostname()) else f" on {self.host}"
        when = f", since {datetime.fromtimestamp(self.since):%H:%M}" if self.since else ""
        return f"another flux-tui (process {self.pid}{where}{when})"


class SessionBusyError(SessionStoreError):
    """The session is being recorded by another live process."""

    def __init__(self, session_id: str, holder: Holder) -> None:
        super().__init__(f"session {session_id} is being recorded by {holder.describe()}")
        self.session_id = session_id
        self.holder = holder


def lock_path(db_path: Path, session_id: str) -> Path:
    """The lock file of ``session_id`` (ids of other shapes are hashed, never used as a path)."""
    name = session_id if is_safe_session_id(session_id) else hashlib.sha256(session_id.encode()).hexdigest()
    return db_path.with_name(f"{db_path.name}.{name}.lock")


class SessionLease:
    """The right to append to one session; ``release`` (or the process's end) gives it back."""

    def __init__(self, session_id: str, path: Path | None, fd: int | None) -> None:
        self.session_id = session_id
        self.path = path
        self._fd = fd

    @classmethod
    def acquire(cls, db_path: Path, session_id: str) -> SessionLease:
        """Take the lease, or raise ``SessionBusyError`` naming the live process that holds it."""
        if fcntl is None or str(db_path) == ":memory:":
            return cls(session_id, None, None)
        remove_stale(db_path)
        path = lock_path(db_path, session_id)
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                raise SessionStoreError(f"cannot create the session lock {path}: {exc}") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise SessionBusyError(session_id, holder) from None
            # A holder releasing meanwhile removed the file we opened: lock the one now at the path.
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        record = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        return cls(session_id, path, fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None or self.path is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # while still locked, so nobody locks the file being removed
        os.close(fd)

    def __del__(self) -> None:
        self.release()


def holder_of(db_path: Path, session_id: str) -> Holder | None:
    """Who records ``session_id`` now, in any process but through this lease (None: nobody)."""
    try:
        lease = SessionLease.acquire(db_path, session_id)
    except SessionBusyError as busy:
        return busy.holder
    except SessionStoreError:
        return None
    lease.release()
    return None


def remove_stale(db_path: Path) -> list[Path]:
    """Remove the lock files beside ``db_path`` that no live process holds (their holder died before
    it could release them: a power cut, a ``kill -9``); returns the paths removed.

    Each is locked before it is removed, as ``release`` does, so a lease being taken meanwhile is never
    lost: its taker finds the file gone once it holds the lock, and takes a new one.
    """
    if fcntl is None:  # pragma: no cover - not POSIX
        return []
    removed: list[Path] = []
    for path in db_path.parent.glob(f"{glob.escape(db_path.name)}.*.lock"):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                os.unlink(path)
                removed.append(path)
        except OSError:  # held by a live process (BlockingIOError), or removed meanwhile
            pass
        finally:
            os.close(fd)
    return removed


def _read_holder(fd: int) -> Holder:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return Holder()
    if not isinstance(data, dict):
        return Holder()
    pid, host, since = data.get("pid"), data.get("host"), data.get("since")
    return Holder(
        pid=pid if isinstance(pid, int) else None,
        host=host if isinstance(host, str) else None,
        since=float(since) if isinstance(since, int | float) else None,
    )
