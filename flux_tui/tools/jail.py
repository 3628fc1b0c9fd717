"""The workspace jail: every path a tool touches must resolve inside the workspace root.

Paths are resolved the way the OS would follow them (symlinks first, then ``..``), so ``..`` that
climbs out, absolute paths elsewhere, symlinks (file or parent directory) that lead out and dangling
symlinks whose target lies outside are all refused. Resolution happens again right before each
operation, so a symlink swapped in after a read, or between approval and run, is caught too.
``..`` and absolute paths that stay inside the workspace are fine: models often use them.

Some directories are never written by the file tools, even inside the workspace: flux-tui's own data
(the session database, its logs). Replacing ``sessions.db`` under a running SQLite connection corrupts
it. ``run_command`` runs a shell and cannot be confined this way; only the file tools are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


class ToolError(Exception):
    """A tool could not do what was asked; the message goes back to the model as an error result."""


class Workspace:
    """The root directory the tools may touch."""

    def __init__(self, root: Path | str, protected: Iterable[Path | str] = ()) -> None:
        """``protected``: directories the tools must never write into (they need not exist yet)."""
        try:
            self.root = Path(root).expanduser().resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise ValueError(f"workspace {root} does not exist") from exc
        if not self.root.is_dir():
            raise ValueError(f"workspace {root} is not a directory")
        self.protected = tuple(_real(Path(p).expanduser()) for p in protected)

    def resolve(self, path: str | None, *, must_exist: bool = False) -> Path:
        """The real path of ``path`` (relative to the root, or absolute), refused when outside."""
        raw = "." if path is None or path == "" else path
        if not isinstance(raw, str):
            raise ToolError(f"path must be a string, got {type(raw).__name__}")
        if "\x00" in raw:
            raise ToolError("path contains a NUL byte")
        candidate = Path(raw)
        if not candidate.is_absolute():
            candidate = self.root / candidate
        try:
            # strict=False still follows every symlink that exists, including dangling ones.
            real = candidate.resolve(strict=False)
        except (OSError, RuntimeError) as exc:  # symlink loops
            raise ToolError(f"cannot resolve {raw}: {exc}") from exc
        if not self.contains(real):
            raise ToolError(self._outside_message(raw, candidate, real))
        if must_exist and not real.exists():
            raise ToolError(f"{raw}: no such file or directory in the workspace")
        return real

    def contains(self, real: Path) -> bool:
        return real == self.root or real.is_relative_to(self.root)

    def relative(self, real: Path) -> str:
        """How a resolved path is shown to the model: relative to the root, POSIX separators."""
        if real == self.root:
            return "."
        try:
            return real.relative_to(self.root).as_posix()
        except ValueError:
            return str(real)

    def recheck(self, real: Path) -> None:
        """Right before writing: the parent must still resolve to itself inside the root.

        Catches a directory swapped for a symlink between ``resolve`` and the operation.
        """
        parent = real.parent
        try:
            parent_real = parent.resolve(strict=False)
        except (OSError, RuntimeError) as exc:
            raise ToolError(f"cannot resolve {parent}: {exc}") from exc
        if parent_real != parent or not self.contains(parent_real):
            raise ToolError(f"{self.relative(real)}: a directory on the way was replaced by a link")
        if real.is_symlink():
            target = Path(os.path.realpath(real))
            if not self.contains(target):
                raise ToolError(f"{self.relative(real)} is a symlink that leads outside the workspace")

    def check_writable(self, real: Path) -> None:
        """Refuse a write to ``real`` (a resolved path) inside a protected directory."""
        for guarded in self.protected:
            if real == guarded or real.is_relative_to(guarded):
                raise ToolError(
                    f"refused: {self.relative(real)} is inside flux-tui's data directory ({guarded}: "
                    "session database, logs). The file tools never write there."
                )

    def _outside_message(self, raw: str, candidate: Path, real: Path) -> str:
        lexical = Path(os.path.normpath(candidate))
        if not self.contains(lexical):
            why = "it lies outside the workspace"
        else:
            why = "a symlink on the way leads outside the workspace"
        return (
            f"refused: {raw!r} resolves to {real}, and {why} ({self.root}). "
            "Only files inside the workspace can be used."
        )


def _real(path: Path) -> Path:
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))
