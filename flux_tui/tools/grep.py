"""Matching lines of one file, in bounded time, for search_files.

The ``regex`` module rather than ``re``: ``re`` holds the GIL for a whole match, so a pattern that
backtracks catastrophically (``(a+)+$`` on a long line) freezes every thread of the app (no redraw, no
Esc, no ctrl+q) for as long as it runs; ``regex`` lets other threads run while it matches and stops a
match after ``timeout`` seconds. One line may take ``LINE_TIME_BUDGET``; the caller's ``Budget`` bounds
the whole search and carries its cancel event, polled every few lines.

A timeout costs about a microsecond per call, so a pattern that can only ever match inside one line
(``single_line_pattern``) is run over the whole file at once, from each matching line to the next: the
same lines as line by line, for a fraction of the calls. Any other pattern goes line by line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from flux_tui.tools.file_tools import BINARY_SNIFF, looks_binary, split_lines
from flux_tui.tools.jail import ToolError
from flux_tui.tools.special import open_regular
from flux_tui.tools.walk import WalkStopped

# ``regex`` loads with the first search, not with the tool box (it is built before the first frame).
if TYPE_CHECKING:
    import regex

MAX_SEARCH_FILE_BYTES = 2 * 1024 * 1024
#: Seconds one line may take to match: far more than any sane pattern needs on a 2 MB line.
LINE_TIME_BUDGET = 1.0
#: Lines between two looks at the clock and the cancel event (each line is bounded by its timeout).
_CHECK_EVERY = 8
# Escapes that never match a newline (\b only looks at its neighbours, and a newline is no word
# character, as the missing neighbour at either end of a lone line is not).
_SAFE_ESCAPES = frozenset("wdSb")


class Budget:
    """The time a call may take, and the event that says it was cancelled."""

    def __init__(self, seconds: float, cancel: threading.Event) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.cancel = cancel

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def spent(self) -> bool:
        return self.cancel.is_set() or time.monotonic() >= self.deadline

    def elapsed(self) -> float:
        return time.monotonic() - self.started


class TooCostly(Exception):
    """One line took longer than LINE_TIME_BUDGET to match."""

    def __init__(self, path: Path, line: int) -> None:
        super().__init__(path, line)
        self.path = path
        self.line = line


class Matcher:
    """A compiled search pattern: line by line, and over a whole file when that gives the same lines."""

    def __init__(self, pattern: str) -> None:
        import regex

        try:
            self.line = regex.compile(pattern)
            self.joined = regex.compile(pattern, regex.MULTILINE) if single_line_pattern(pattern) else None
        except (regex.error, ValueError, OverflowError) as exc:
            raise ToolError(f"invalid regular expression {pattern!r}: {exc}") from None
        self.pattern = pattern


def single_line_pattern(pattern: str) -> bool:
    """Whether every match of ``pattern`` lies inside one line and depends on nothing outside it.

    Deliberately narrow: literals, ``.``, ``\\w \\d \\S \\b``, escaped punctuation, classes that are
    not negated, groups ``(...)`` and ``(?:...)``, ``|``, counted or plain repeats, and ``^``/``$``
    (matched per line with MULTILINE). Anything else (flags, lookarounds, backreferences, ``\\s``,
    negated classes, fuzzy matching, control characters) answers False.
    """
    i, size, in_class = 0, len(pattern), False
    while i < size:
        char = pattern[i]
        if ord(char) < 0x20:
            return False
        if char == "\\":
            escaped = pattern[i + 1 : i + 2]
            if not escaped or (escaped.isalnum() and (escaped not in _SAFE_ESCAPES or in_class)):
                return False
            i += 2
            continue
        if in_class:
            if char == "[":
                return False  # POSIX classes, nested sets
            in_class = char != "]"
        elif char == "[":
            if pattern[i + 1 : i + 2] == "^":
                return False
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1  # a ] right after [ is a literal
        elif char == "(" and pattern[i + 1 : i + 2] == "?" and pattern[i + 2 : i + 3] != ":":
            return False
        elif char == "{":
            close = pattern.find("}", i)
            if close < 0 or not all(c.isdigit() or c == "," for c in pattern[i + 1 : close]):
                return False  # fuzzy matching ({e<=1}) may match a newline
            i = close
        i += 1
    return not in_class


def read_text(path: Path) -> str | None:
    """The text of a regular, non-binary file of searchable size; None to skip it."""
    try:
        with open_regular(path, path.name) as (handle, st):
            if st.st_size > MAX_SEARCH_FILE_BYTES:
                return None  # huge files are data, not source
            head = handle.read(BINARY_SNIFF)
            if looks_binary(head):
                return None
            data = head + handle.read()
    except (OSError, ToolError):  # links (they may lead out), pipes, devices, unreadable files
        return None
    return data.decode("utf-8", errors="replace")


def grep_file(path: Path, matcher: Matcher, budget: Budget) -> list[tuple[int, str]]:
    """``(number, line)`` of the matching lines of ``path``.

    Raises WalkStopped when the budget is spent or cancelled, TooCostly for a line too slow to match.
    """
    if budget.spent():
        raise WalkStopped
    text = read_text(path)
    if text is None:
        return []
    lines = split_lines(text)
    if matcher.joined is not None:
        try:
            return _grep_joined(lines, matcher.joined, budget)
        except TimeoutError:
            pass  # line by line tells whether one line is too costly or time is up
    return list(_grep_lines(path, lines, matcher.line, budget))


def _grep_joined(lines: list[str], pattern: regex.Pattern[str], budget: Budget) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if not lines:  # an empty file has no line, not one empty line
        return found
    text = "\n".join(lines)
    pos = number = counted = 0
    while True:
        left = budget.left()
        if left <= 0 or budget.cancel.is_set():
            raise WalkStopped
        match = pattern.search(text, pos, timeout=min(left, LINE_TIME_BUDGET))
        if match is None:
            return found
        start = match.start()
        number += text.count("\n", counted, start)
        counted = start
        found.append((number + 1, lines[number]))
        pos = text.find("\n", start) + 1
        if pos == 0:
            return found


def _grep_lines(
    path: Path, lines: list[str], pattern: regex.Pattern[str], budget: Budget
) -> Iterator[tuple[int, str]]:
    deadline = budget.deadline
    cancelled = budget.cancel.is_set
    clock = time.monotonic
    search = pattern.search
    limit = min(budget.left(), LINE_TIME_BUDGET)
    for number, line in enumerate(lines, start=1):
        if not number % _CHECK_EVERY:
            left = deadline - clock()
            if left <= 0 or cancelled():
                raise WalkStopped
            limit = min(left, LINE_TIME_BUDGET)
        try:
            found = search(line, timeout=limit)
        except TimeoutError:
            if limit < LINE_TIME_BUDGET:
                raise WalkStopped from None
            raise TooCostly(path, number) from None
        if found:
            yield number, line
