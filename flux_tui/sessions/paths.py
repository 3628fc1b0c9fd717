"""Where the session database lives, and creating it private to the user."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "flux-tui"
DB_FILENAME = "sessions.db"
DATA_DIR_ENV = "FLUX_DATA_DIR"

# SQLite's companions of the database file in WAL mode.
SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")


def data_dir() -> Path:
    """``$FLUX_DATA_DIR`` or the platform's user data dir (the same rule as the config's ``data_path``)."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def create_private_file(path: Path) -> None:
    """Make sure ``path`` exists with mode 0600 before SQLite opens it.

    Created with ``O_CREAT`` and mode 0600 so it is never readable by others, not even briefly; an
    existing file is tightened too. SQLite gives its -wal/-shm files the database file's mode.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    tighten(path)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600), as the session database is: an
    export holds the same conversation. A new file is never readable by others, not even briefly."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def tighten(path: Path) -> None:
    """chmod 0600 the database and whichever of its side files exist."""
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILE_SUFFIXES)):
        with contextlib.suppress(FileNotFoundError):
            if candidate.stat().st_mode & 0o077:
                os.chmod(candidate, 0o600)
