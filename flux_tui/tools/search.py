"""list_files and search_files: walk the workspace (skipping VCS and build junk) with bounded output."""

from __future__ import annotations

import asyncio
import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.redact import cut_head
from flux_tui.tools.base import Tool, opt_str, req_str
from flux_tui.tools.file_tools import BINARY_SNIFF, looks_binary, split_lines
from flux_tui.tools.jail import ToolError

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
MAX_LIST = 500
MAX_MATCHES = 200
MAX_MATCH_LINE = 240
MAX_SEARCH_FILE_BYTES = 2 * 1024 * 1024
MAX_WITHHELD_NAMES = 10


def walk_files(top: Path) -> Iterator[Path]:
    """Files under ``top`` in a stable (sorted) order; symlinked directories are not entered."""
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(filenames):
            yield Path(dirpath, name)


def _matches(rel: str, pattern: str | None) -> bool:
    if not pattern:
        return True
    if pattern.startswith("**/"):
        pattern = pattern[3:]
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pattern)


class ListFiles(Tool):
    name = "list_files"
    description = (
        "List files under a directory of the workspace (recursively), skipping .git, caches, virtual "
        f"environments and dependency folders. Optional glob pattern (e.g. '*.py', 'src/*.ts') filters "
        f"by file name or path. At most {MAX_LIST} entries."
    )
    input_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "Directory to list. Default: the workspace root."},
            "pattern": {"type": "string", "description": "Glob on the file name or relative path."},
        },
    }
    read_only = True

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        self.ctx.workspace.resolve(opt_str(args, "path"))
        opt_str(args, "pattern")
        return None, None

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        return await asyncio.to_thread(self._list, args)

    def _list(self, args: dict[str, Any]) -> ToolOutcome:
        ws = self.ctx.workspace
        top = ws.resolve(opt_str(args, "path"), must_exist=True)
        pattern = opt_str(args, "pattern")
        shown_top = ws.relative(top)
        if not top.is_dir():
            return ToolOutcome(ws.relative(top))
        found: list[str] = []
        more = 0
        for path in walk_files(top):
            rel = ws.relative(path)
            if not _matches(path.relative_to(top).as_posix(), pattern) and not _matches(rel, pattern):
                continue
            if len(found) < MAX_LIST:
                found.append(rel)
            else:
                more += 1
        if not found:
            what = f" matching {pattern!r}" if pattern else ""
            return ToolOutcome(f"no files{what} under {shown_top}")
        if more:
            found.append(f"[... {more} more not shown; narrow it down with path or pattern]")
        return ToolOutcome("\n".join(found))


class SearchFiles(Tool):
    name = "search_files"
    description = (
        "Search text files of the workspace for a regular expression (Python syntax). Returns "
        f"'path:line: text' for each matching line, at most {MAX_MATCHES}. Binary files, .git, caches "
        "and dependency folders are skipped."
    )
    input_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "pattern": {"type": "string", "description": "Regular expression to look for."},
            "path": {"type": "string", "description": "File or directory to search. Default: root."},
        },
        "required": ["pattern"],
    }
    read_only = True

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        _compile(req_str(args, "pattern", allow_empty=False))
        self.ctx.workspace.resolve(opt_str(args, "path"))
        return None, None

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        return await asyncio.to_thread(self._search, args)

    def _search(self, args: dict[str, Any]) -> ToolOutcome:
        ws = self.ctx.workspace
        regex = _compile(req_str(args, "pattern", allow_empty=False))
        top = ws.resolve(opt_str(args, "path"), must_exist=True)
        files = walk_files(top) if top.is_dir() else iter([top])
        hits: list[str] = []
        more = 0
        withheld: list[str] = []
        for path in files:
            # A named file was approved (the tool box asks for secret files); a directory's secret
            # files are not even searched: whether a pattern matches would tell their content.
            if top.is_dir() and self.ctx.secret_files.match(ws.relative(path)):
                withheld.append(ws.relative(path))
                continue
            for number, line in _grep(path, regex):
                if len(hits) >= MAX_MATCHES:
                    more += 1
                    continue
                if len(line) > MAX_MATCH_LINE:
                    line = cut_head(line, MAX_MATCH_LINE) + " …"
                hits.append(f"{ws.relative(path)}:{number}: {line}")
        if not hits:
            hits.append(f"no matches for {regex.pattern!r} under {ws.relative(top)}")
        if more:
            hits.append(f"[... {more} more matches not shown; use a narrower pattern or path]")
        if withheld:
            hits.append(withheld_note(withheld))
        return ToolOutcome("\n".join(hits))


def withheld_note(paths: list[str]) -> str:
    shown = ", ".join(paths[:MAX_WITHHELD_NAMES])
    if len(paths) > MAX_WITHHELD_NAMES:
        shown += f" and {len(paths) - MAX_WITHHELD_NAMES} more"
    return (
        f"[not searched, they may hold secrets: {shown}; search or read one by its path "
        "(that asks the user first)]"
    )


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ToolError(f"invalid regular expression {pattern!r}: {exc}") from None


def _grep(path: Path, regex: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    try:
        if path.is_symlink() or path.stat().st_size > MAX_SEARCH_FILE_BYTES:
            return  # links may lead out of the workspace; huge files are data, not source
        with path.open("rb") as handle:
            head = handle.read(BINARY_SNIFF)
            if looks_binary(head):
                return
            data = head + handle.read()
    except OSError:
        return
    text = data.decode("utf-8", errors="replace")
    for number, line in enumerate(split_lines(text), start=1):
        if regex.search(line):
            yield number, line
