"""Unified diffs for previews (before approval) and for the inspector (what was applied)."""

from __future__ import annotations

import difflib

MAX_DIFF_CHARS = 200_000


def unified_diff(old: str, new: str, path: str, *, created: bool = False) -> str:
    """A ``diff -u`` style text; ``created`` marks a new file (``/dev/null`` as the old side)."""
    before = "/dev/null" if created else f"a/{path}"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=before,
        tofile=f"b/{path}",
        n=3,
    )
    out: list[str] = []
    size = 0
    for line in lines:
        if not line.endswith("\n"):
            # Mark a missing final newline the way diff(1) does, so the output stays line-based.
            line += "\n\\ No newline at end of file\n"
        out.append(line)
        size += len(line)
        if size > MAX_DIFF_CHARS:
            out.append(f"... diff truncated at {MAX_DIFF_CHARS} characters\n")
            break
    return "".join(out) or f"(no changes to {path})\n"


def diff_stats(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) of a unified diff."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed
