"""Walking the workspace for list_files and search_files: regular files only, as git would see them.

Skipped: VCS data, caches, virtual envs and dependency trees (by name); whatever ``.gitignore`` files
ignore (``pathspec``'s git-compatible matcher: the files of the directories walked, of the directories
above up to the repository's top, and the repository's ``.git/info/exclude``; the user's global
excludes file is not read); named pipes, sockets and devices (never opened, so never waited on).
Symbolic links are yielded but not followed into directories (the search skips them: they may lead out).

``pathspec`` rather than ``git ls-files``: it needs neither git nor a repository, costs no process per
call, and prunes an ignored directory before it is walked instead of after.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from flux_tui.tools.jail import ToolError
from flux_tui.tools.special import read_regular

# ``pathspec`` loads with the first walk, not with the tool box (it is built before the first frame).
if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# Directories nobody wants listed or searched: VCS data, caches, virtual envs, dependency trees.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".cache",
        ".idea",
        ".eggs",
        "dist",
        "build",
        "target",
        ".next",
        ".gradle",
    }
)
IGNORE_FILE = ".gitignore"
MAX_IGNORE_FILE_BYTES = 1024 * 1024


class WalkStopped(Exception):
    """``should_stop`` said so (time budget spent or the call cancelled)."""


def _load_spec(path: Path) -> GitIgnoreSpec | None:
    try:
        data, _ = read_regular(path, path.name, MAX_IGNORE_FILE_BYTES)
    except (OSError, ToolError):
        return None
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(data.decode("utf-8", errors="replace").splitlines())
    return spec if len(spec) else None


def _repo_top(start: Path) -> Path | None:
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class GitIgnore:
    """The ``.gitignore`` rules that apply under ``start``, loaded lazily per directory.

    They are read from the repository's top down, or from ``root`` (the workspace) down when
    ``start`` is in no repository.
    """

    def __init__(self, start: Path, root: Path | None = None) -> None:
        self._top = _repo_top(start) or root or start
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        self._exclude = _load_spec(self._top / ".git" / "info" / "exclude")

    def _spec(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = _load_spec(directory / IGNORE_FILE)
        return self._specs[directory]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether git would ignore ``path`` (the deepest ``.gitignore`` with a say decides)."""
        if not path.is_relative_to(self._top) or path == self._top:
            return False
        suffix = "/" if is_dir else ""
        directory = path.parent
        while True:
            spec = self._spec(directory)
            if spec is not None:
                verdict = spec.check_file(path.relative_to(directory).as_posix() + suffix).include
                if verdict is not None:
                    return verdict
            if directory == self._top:
                break
            directory = directory.parent
        if self._exclude is not None:
            return bool(self._exclude.check_file(path.relative_to(self._top).as_posix() + suffix).include)
        return False


def walk_files(
    top: Path, root: Path | None = None, should_stop: Callable[[], bool] | None = None
) -> Iterator[Path]:
    """Regular files and links under ``top``, sorted: a directory's files, then its subdirectories.

    ``root``: the workspace (whose ``.gitignore`` applies when ``top`` is below it and in no repository).
    Raises ``WalkStopped`` when ``should_stop()`` turns true (checked once per directory).
    """
    rules = GitIgnore(top, root)
    pending = [top]
    while pending:
        if should_stop is not None and should_stop():
            raise WalkStopped
        directory = pending.pop()
        files: list[str] = []
        subdirs: list[str] = []
        with contextlib.suppress(OSError), os.scandir(directory) as entries:
            for entry in entries:
                _sort(entry, files, subdirs)
        for name in sorted(files):
            path = directory / name
            if not rules.ignored(path, is_dir=False):
                yield path
        subdirs = [d for d in sorted(subdirs) if not rules.ignored(directory / d, is_dir=True)]
        pending.extend(directory / d for d in reversed(subdirs))


def _sort(entry: os.DirEntry[str], files: list[str], subdirs: list[str]) -> None:
    """Put a directory entry in ``files`` or ``subdirs``, or drop it (junk folders, special files)."""
    name = entry.name
    try:
        if entry.is_dir(follow_symlinks=False):
            if name not in SKIP_DIRS and not name.endswith(".egg-info"):
                subdirs.append(name)
            return
        if entry.is_file(follow_symlinks=False) or entry.is_symlink():
            files.append(name)
    except OSError:
        return
