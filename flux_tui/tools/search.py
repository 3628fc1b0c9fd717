"""list_files and search_files: walk the workspace (see ``walk``), bounded in output and in time.

Both run in a daemon thread (``threads.run_cancellable``) that stops when the call is cancelled (Esc)
or its time (``ToolContext.search_timeout``) is spent, and says which; quitting never waits for it.
How one file is searched, and why with ``regex``, is in ``grep``.
"""

from __future__ import annotations

import fnmatch
import threading
from typing import Any, ClassVar

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.redact import cut_head
from flux_tui.core.wording import counted
from flux_tui.tools.base import Tool, opt_str, req_str
from flux_tui.tools.grep import LINE_TIME_BUDGET, Budget, Matcher, TooCostly, grep_file
from flux_tui.tools.threads import run_cancellable
from flux_tui.tools.walk import WalkStopped, walk_files

MAX_LIST = 500
MAX_MATCHES = 200
MAX_MATCH_LINE = 240
MAX_WITHHELD_NAMES = 10


def _brackets_literal(pattern: str) -> str:
    """``src/[id]/*`` -> ``src/[[]id[]]/*``: brackets stand for themselves, ``*`` and ``?`` stay wild."""
    return pattern.translate({ord("["): "[[]", ord("]"): "[]]"})


def _glob_matches(rel: str, pattern: str, *, any_depth: bool) -> bool:
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pattern):
        return True
    # fnmatch's * also matches "/", so "*/" + pattern finds it below any folder
    return any_depth and fnmatch.fnmatch(rel, "*/" + pattern)


def _matches(rel: str, pattern: str | None) -> bool:
    """``pattern`` as a glob, then with its brackets literal: folders such as ``[id]`` or ``[...slug]``
    (Next.js routes) are found by their own names. A leading ``**/`` matches at any depth."""
    if not pattern:
        return True
    any_depth = pattern.startswith("**/")
    if any_depth:
        pattern = pattern[3:]
    if _glob_matches(rel, pattern, any_depth=any_depth):
        return True
    return "[" in pattern and _glob_matches(rel, _brackets_literal(pattern), any_depth=any_depth)


class ListFiles(Tool):
    name = "list_files"
    description = (
        "List files under a directory of the workspace (recursively), skipping .git, caches, virtual "
        "environments, dependency folders and what .gitignore ignores. Optional glob pattern (e.g. "
        f"'*.py', 'src/*.ts') filters by file name or path. At most {MAX_LIST} entries."
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
        return await run_cancellable(lambda cancel: self._list(args, cancel))

    def _list(self, args: dict[str, Any], cancel: threading.Event) -> ToolOutcome:
        ws = self.ctx.workspace
        top = ws.resolve(opt_str(args, "path"), must_exist=True)
        pattern = opt_str(args, "pattern")
        shown_top = ws.relative(top)
        if not top.is_dir():
            return ToolOutcome(ws.relative(top))
        budget = Budget(self.ctx.search_timeout, cancel)
        found: list[str] = []
        more = 0
        stopped = False
        try:
            for path in walk_files(top, ws.root, budget.spent):
                rel = ws.relative(path)
                if not _matches(path.relative_to(top).as_posix(), pattern) and not _matches(rel, pattern):
                    continue
                if len(found) < MAX_LIST:
                    found.append(rel)
                else:
                    more += 1
        except WalkStopped:
            stopped = True
        if stopped:
            found.append(
                f"[listing stopped after {budget.elapsed():.1f} s: too many files; "
                "narrow it down with path or pattern]"
            )
        elif not found:
            what = f" matching {pattern!r}" if pattern else ""
            return ToolOutcome(f"no files{what} under {shown_top}")
        if more:
            found.append(f"[... {more} more not shown; narrow it down with path or pattern]")
        return ToolOutcome("\n".join(found))


class SearchFiles(Tool):
    name = "search_files"
    description = (
        "Search text files of the workspace for a regular expression (Python syntax). Returns "
        f"'path:line: text' for each matching line, at most {MAX_MATCHES}. Binary files, .git, caches, "
        "dependency folders and what .gitignore ignores are skipped. The search stops when it takes "
        "too long (a costly pattern or too many files) and says so."
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
        Matcher(req_str(args, "pattern", allow_empty=False))
        self.ctx.workspace.resolve(opt_str(args, "path"))
        return None, None

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        return await run_cancellable(lambda cancel: self._search(args, cancel))

    def _search(self, args: dict[str, Any], cancel: threading.Event) -> ToolOutcome:
        ws = self.ctx.workspace
        matcher = Matcher(req_str(args, "pattern", allow_empty=False))
        top = ws.resolve(opt_str(args, "path"), must_exist=True)
        budget = Budget(self.ctx.search_timeout, cancel)
        hits: list[str] = []
        more = 0
        searched = 0
        withheld: list[str] = []
        stopped: str | None = None
        try:
            files = walk_files(top, ws.root, budget.spent) if top.is_dir() else iter([top])
            for path in files:
                # A named file was approved (the tool box asks for secret files); a directory's secret
                # files are not even searched: whether a pattern matches would tell their content.
                if top.is_dir() and self.ctx.secret_files.match(ws.relative(path)):
                    withheld.append(ws.relative(path))
                    continue
                for number, line in grep_file(path, matcher, budget):
                    if len(hits) >= MAX_MATCHES:
                        more += 1
                        continue
                    if len(line) > MAX_MATCH_LINE:
                        line = cut_head(line, MAX_MATCH_LINE) + " …"
                    hits.append(f"{ws.relative(path)}:{number}: {line}")
                searched += 1
        except WalkStopped:
            if cancel.is_set():
                return ToolOutcome("search cancelled", is_error=True)
            stopped = (
                f"search stopped after {budget.elapsed():.1f} s: too many files ({searched} searched). "
                "Search a narrower path."
            )
        except TooCostly as exc:
            stopped = (
                f"search stopped after {budget.elapsed():.1f} s: pattern too costly (line {exc.line} of "
                f"{ws.relative(exc.path)} alone took over {LINE_TIME_BUDGET:g} s to match; nested "
                "repetition such as (a+)+ backtracks without end). Simplify the pattern."
            )
        if more:
            more_matches = counted(more, "more match", "more matches")
            hits.append(f"[... {more_matches} not shown; use a narrower pattern or path]")
        if withheld:
            hits.append(withheld_note(withheld))
        if stopped is not None:
            found = "no matches found"
            if hits:
                found = f"{counted(len(hits), 'matching line')} found before it stopped"
            return ToolOutcome("\n".join([*hits, f"[{stopped} {found}]"]), is_error=not hits)
        if not hits or hits == [withheld_note(withheld)]:
            hits.insert(0, f"no matches for {matcher.pattern!r} under {ws.relative(top)}")
        return ToolOutcome("\n".join(hits))


def withheld_note(paths: list[str]) -> str:
    shown = ", ".join(paths[:MAX_WITHHELD_NAMES])
    if len(paths) > MAX_WITHHELD_NAMES:
        shown += f" and {len(paths) - MAX_WITHHELD_NAMES} more"
    return (
        f"[not searched, they may hold secrets: {shown}; search or read one by its path "
        "(that asks the user first)]"
    )
