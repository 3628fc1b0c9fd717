"""Find the line of a key in TOML text, so a config problem can say "flux.toml:12".

tomllib does not keep positions, so this scans table headers and ``key =`` lines. It is only used for
messages: an approximate answer (the enclosing table's line) is better than none.
"""

from __future__ import annotations

import re

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_PART = rf"(?:{_QUOTED}|{_BARE})"
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART_RE = re.compile(_PART)


def _split(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART_RE.finditer(dotted):
        token = match.group(0)
        if token[0] in "\"'":
            token = token[1:-1]
            if match.group(0)[0] == '"':
                token = token.encode().decode("unicode_escape")
        parts.append(token)
    return tuple(parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """First line (1-based) of every table header and key, by full dotted path."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            table = _split(header.group(1))
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault((*table, *_split(key.group(1))), number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return found


def locate(lines: dict[tuple[str, ...], int], path: tuple[str, ...]) -> int | None:
    """Line of ``path``, or of its nearest enclosing key or table that appears in the text."""
    for length in range(len(path), 0, -1):
        line = lines.get(tuple(path[:length]))
        if line is not None:
            return line
    return None
