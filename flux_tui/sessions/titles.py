"""Titles of sessions made from other sessions: a fork or an import is marked, and the mark survives
cutting a long title to fit a column.

A fork carries its source's title and an import the exported one, so without a mark the copy and the
original read the same in the browser and in ``sessions list``. The mark is part of the stored title
(a rename replaces it, as the user asked), and is not added twice: a fork of a fork is "(fork)".
"""

from __future__ import annotations

import re

FORK_MARK = "(fork)"
IMPORT_MARK = "(imported)"

_TRAILING_MARK = re.compile(r" (\((?:fork|imported)\))$")


def marked(title: str, mark: str) -> str:
    """``title`` ending with `` <mark>`` (kept as it is when it ends with that mark already)."""
    title = title.rstrip()
    return title if title.endswith(f" {mark}") or title == mark else f"{title} {mark}"


def cut_title(title: str, width: int) -> str:
    """``title`` in at most ``width`` characters; a fork or import mark at its end is kept whole and
    the words before it are cut instead."""
    if len(title) <= width:
        return title
    match = _TRAILING_MARK.search(title)
    if match is None or width <= len(match.group(0)) + 1:
        return title[: width - 1] + "…"
    head = title[: match.start()]
    room = width - len(match.group(0)) - 1
    return f"{head[:room].rstrip()}…{match.group(0)}"
