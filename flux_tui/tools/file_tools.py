"""read_file, write_file and edit_file: text files inside the workspace, with the stale-write guard."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.redact import cut_head
from flux_tui.core.wording import counted
from flux_tui.tools.base import Tool, opt_bool, opt_int, req_str
from flux_tui.tools.diff import diff_stats, unified_diff
from flux_tui.tools.jail import ToolError
from flux_tui.tools.special import read_regular
from flux_tui.tools.threads import run_in_thread

DEFAULT_LIMIT = 2000  # lines per read_file page
MAX_LINE_CHARS = 2000
MAX_OUTPUT_CHARS = 100_000
MAX_FILE_BYTES = 20 * 1024 * 1024
BINARY_SNIFF = 8192


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the head mean binary (git's heuristic); good enough for source trees."""
    return b"\x00" in data[:BINARY_SNIFF]


def _read_bytes(real: Path, shown: str) -> tuple[bytes, os.stat_result]:
    try:
        return read_regular(real, shown, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise ToolError(f"{shown}: no such file in the workspace") from None
    except PermissionError:
        raise ToolError(f"{shown}: permission denied") from None
    except OSError as exc:
        raise ToolError(f"{shown}: cannot read ({exc.strerror or exc})") from None


def _decode(data: bytes, shown: str, *, strict: bool) -> str:
    if looks_binary(data):
        raise ToolError(f"{shown} is a binary file ({len(data)} bytes); these tools only handle text files")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if strict:
            raise ToolError(f"{shown} is not UTF-8 text; it cannot be changed safely") from None
        return data.decode("utf-8", errors="replace")


def _write_atomic(real: Path, content: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    real.parent.mkdir(parents=True, exist_ok=True)
    mode = real.stat().st_mode & 0o7777 if real.exists() else None
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".flux-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class ReadFile(Tool):
    name = "read_file"
    description = (
        "Read a text file of the workspace. Returns numbered lines (line number, tab, text). Large files "
        f"are paged: at most {DEFAULT_LIMIT} lines per call; use offset (1-based first line) and limit "
        "to read further. Binary files are refused."
    )
    input_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "File path, relative to the workspace root."},
            "offset": {"type": "integer", "description": "First line to show (1-based). Default 1."},
            "limit": {"type": "integer", "description": f"Lines to show. Default {DEFAULT_LIMIT}."},
        },
        "required": ["path"],
    }
    read_only = True

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        self.ctx.workspace.resolve(req_str(args, "path", allow_empty=False))
        opt_int(args, "offset", 1, minimum=1)
        opt_int(args, "limit", DEFAULT_LIMIT, minimum=1)
        return None, None

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        return await run_in_thread(self._read, args)

    def _read(self, args: dict[str, Any]) -> ToolOutcome:
        ws = self.ctx.workspace
        real = ws.resolve(req_str(args, "path", allow_empty=False), must_exist=True)
        shown = ws.relative(real)
        offset = opt_int(args, "offset", 1, minimum=1)
        limit = opt_int(args, "limit", DEFAULT_LIMIT, minimum=1)
        raw, st = _read_bytes(real, shown)
        text = _decode(raw, shown, strict=False)
        self.ctx.stamps.record(real, raw, st)
        lines = split_lines(text)
        total = len(lines)
        if total == 0:
            return ToolOutcome(f"{shown} is empty (0 lines)", touched_path=str(real))
        if offset > total:
            raise ToolError(f"offset {offset} is past the end of {shown} ({counted(total, 'line')})")
        out: list[str] = []
        size = 0
        last = offset - 1
        for number in range(offset, min(total, offset + limit - 1) + 1):
            line = lines[number - 1]
            if len(line) > MAX_LINE_CHARS:
                line = cut_head(line, MAX_LINE_CHARS) + f" … [line cut, {len(line)} characters in all]"
            entry = f"{number:>6}\t{line}"
            if out and size + len(entry) > MAX_OUTPUT_CHARS:
                break
            out.append(entry)
            size += len(entry) + 1
            last = number
        if last < total or offset > 1:
            note = f"[{shown}: lines {offset}-{last} of {total}"
            note += f"; call read_file with offset={last + 1} to read more]" if last < total else "]"
            out.append(note)
        return ToolOutcome("\n".join(out), touched_path=str(real))


class WriteFile(Tool):
    name = "write_file"
    description = (
        "Create a file or replace its whole content. Parent directories are created. Prefer edit_file "
        "for changes to an existing file. Refused if the file changed on disk since you last read it."
    )
    input_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "File path, relative to the workspace root."},
            "content": {"type": "string", "description": "The complete new content of the file."},
        },
        "required": ["path", "content"],
    }
    finish_on_cancel = True

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        real, old, content = self._plan(args)
        shown = self.ctx.workspace.relative(real)
        return unified_diff(old or "", content, shown, created=old is None), None

    def _plan(self, args: dict[str, Any]) -> tuple[Path, str | None, str]:
        ws = self.ctx.workspace
        real = ws.resolve(req_str(args, "path", allow_empty=False))
        ws.check_writable(real)
        content = req_str(args, "content")
        shown = ws.relative(real)
        if real == ws.root or real.is_dir():
            raise ToolError(f"{shown} is a directory")
        if not real.exists():
            if self.ctx.stamps.known(real):
                self.ctx.stamps.check_fresh(real, shown)
            return real, None, content
        self.ctx.stamps.check_fresh(real, shown)
        raw, _ = _read_bytes(real, shown)
        try:
            old = _decode(raw, shown, strict=True)
        except ToolError:
            old = f"[binary or non-UTF-8 content, {len(raw)} bytes]\n"
        return real, old, content

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        return await run_in_thread(self._write, args)

    def _write(self, args: dict[str, Any]) -> ToolOutcome:
        ws = self.ctx.workspace
        real, old, content = self._plan(args)  # again: things may have changed while the user looked
        shown = ws.relative(real)
        ws.recheck(real)
        _write_atomic(real, content)
        self.ctx.stamps.record(real, content.encode("utf-8"), real.stat())
        diff = unified_diff(old or "", content, shown, created=old is None)
        added, removed = diff_stats(diff)
        what = "created" if old is None else "updated"
        lines = len(split_lines(content))
        summary = f"{what} {shown} ({counted(lines, 'line')}, +{added} -{removed})"
        return ToolOutcome(summary, diff=diff, touched_path=str(real))


class EditFile(Tool):
    name = "edit_file"
    description = (
        "Replace text in an existing file: old_string must appear exactly once (include enough "
        "surrounding lines to make it unique) unless replace_all is true. Whitespace and indentation "
        "must match the file exactly. Refused if the file changed on disk since you last read it."
    )
    input_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "File path, relative to the workspace root."},
            "old_string": {"type": "string", "description": "Exact text to replace."},
            "new_string": {"type": "string", "description": "Text to put in its place."},
            "replace_all": {"type": "boolean", "description": "Replace every occurrence. Default false."},
        },
        "required": ["path", "old_string", "new_string"],
    }
    finish_on_cancel = True

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        real, old, new, _ = self._plan(args)
        return unified_diff(old, new, self.ctx.workspace.relative(real)), None

    def _plan(self, args: dict[str, Any]) -> tuple[Path, str, str, int]:
        ws = self.ctx.workspace
        real = ws.resolve(req_str(args, "path", allow_empty=False), must_exist=True)
        ws.check_writable(real)
        shown = ws.relative(real)
        old_string = req_str(args, "old_string")
        new_string = req_str(args, "new_string")
        replace_all = opt_bool(args, "replace_all")
        if not old_string:
            raise ToolError("old_string must not be empty; use write_file to create or replace a file")
        if old_string == new_string:
            raise ToolError("old_string and new_string are identical: nothing would change")
        self.ctx.stamps.check_fresh(real, shown)
        raw, _ = _read_bytes(real, shown)
        text = _decode(raw, shown, strict=True)
        new_text, count = apply_edit(text, old_string, new_string, replace_all, shown)
        return real, text, new_text, count

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        return await run_in_thread(self._edit, args)

    def _edit(self, args: dict[str, Any]) -> ToolOutcome:
        ws = self.ctx.workspace
        real, old, new, count = self._plan(args)
        shown = ws.relative(real)
        ws.recheck(real)
        _write_atomic(real, new)
        self.ctx.stamps.record(real, new.encode("utf-8"), real.stat())
        diff = unified_diff(old, new, shown)
        added, removed = diff_stats(diff)
        noun = "occurrence" if count == 1 else "occurrences"
        return ToolOutcome(
            f"edited {shown}: replaced {count} {noun} (+{added} -{removed} lines)",
            diff=diff,
            touched_path=str(real),
        )


def apply_edit(text: str, old: str, new: str, replace_all: bool, shown: str) -> tuple[str, int]:
    """Replace ``old`` by ``new``; errors say exactly why it could not be done."""
    count = text.count(old)
    if count == 0 and "\r\n" in text and "\n" in old and "\r\n" not in old:
        # The model writes LF; the file uses CRLF. Match and write in the file's convention.
        old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
        count = text.count(old)
    if count == 0:
        raise ToolError(
            f"old_string was not found in {shown}. It must match the file exactly, including "
            "whitespace and indentation; read the file again to copy the exact text."
        )
    if count > 1 and not replace_all:
        raise ToolError(
            f"old_string appears {count} times in {shown}; include more surrounding lines to make it "
            "unique, or set replace_all to true to change every occurrence."
        )
    return text.replace(old, new) if replace_all else text.replace(old, new, 1), count
