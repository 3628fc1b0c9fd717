"""Markdown rendered to lines, block by block, for a widget that draws them itself.

Why not Textual's ``Markdown`` for answers: it mounts a widget per block (a table is dozens), and every
layout pass walks them all, so a long answer, and a long session, made every frame slower (measured: a
100-exchange session spent seconds per exchange in layout, and 370 MB). Here an answer chunk is one
widget; its text is cut into top-level blocks (``ChunkSplitter``'s rule with no size limit), each block
is rendered once by Rich's Markdown at the current width and kept as ``Strip`` lines, and only the block
still being streamed is rendered again when text arrives.

Cutting at a blank line followed by an unindented line outside a code fence never changes what a block
means; the blank line between blocks is drawn here, as Markdown would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.strip import Strip

from flux_tui.core.terminal_text import terminal_safe

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme

# Colours for an app without a theme palette (``theme_colors``: the app's follow its Textual theme).
THEME = Theme(
    {
        "markdown.h1": Style(bold=True, color="bright_cyan"),
        "markdown.h2": Style(bold=True, color="cyan"),
        "markdown.h3": Style(bold=True),
        "markdown.h4": Style(bold=True, italic=True),
        "markdown.h5": Style(italic=True),
        "markdown.h6": Style(dim=True),
        "markdown.code": Style(bold=True, color="bright_cyan"),
        "markdown.code_block": Style(color="bright_cyan"),
        "markdown.block_quote": Style(italic=True, color="bright_black"),
        "markdown.table.border": Style(color="bright_black"),
        "markdown.table.header": Style(bold=True),
        "markdown.link": Style(color="bright_blue", underline=True),
        "markdown.item.bullet": Style(bold=True, color="cyan"),
        "markdown.item.number": Style(bold=True, color="cyan"),
    },
    inherit=True,
)
CODE_THEME = "monokai"


def _options(console: Console, width: int) -> ConsoleOptions:
    return console.options.update(width=width, min_width=width, max_width=width, height=None)


def render_markdown(
    console: Console,
    source: str,
    width: int,
    theme: Theme = THEME,
    code_theme: SyntaxTheme | str = CODE_THEME,
) -> list[Strip]:
    """One block of Markdown as lines of exactly ``width`` cells, in ``theme``'s colours."""
    source = terminal_safe(source)
    if not source.strip():
        return []
    # Rich's Markdown loads after the first frame (``answer_markdown.preload``), not before it.
    from flux_tui.ui.widgets.answer_markdown import AnswerMarkdown

    markdown = AnswerMarkdown(source, code_theme=code_theme, hyperlinks=True)
    with console.use_theme(theme):
        lines = console.render_lines(markdown, _options(console, width), pad=True)
    return [Strip(line, width) for line in _trim_blank_edges(lines)]


def render_plain(console: Console, source: str, width: int) -> PlainLines:
    """Text as it came, wrapped at spaces: the cheap stand-in for a chunk not rendered yet.

    Plain ASCII lines (nearly all of a fast answer) are wrapped here, without Rich's ``Text``, which
    styles and measures every character; other lines go through Rich. The ``Strip`` of a line is made
    only when it is drawn: most of a deferred chunk scrolls by unseen.
    """
    if width <= 0:
        return PlainLines([], width)
    lines: list[str | Strip] = []
    for line in source.rstrip("\n").split("\n"):
        line = line.expandtabs(4)
        if line.isascii() and line.isprintable():
            lines.extend(wrap_ascii(line, width))
        else:
            rendered = console.render_lines(Text(terminal_safe(line)), _options(console, width), pad=True)
            lines.extend(Strip(segments, width) for segments in rendered)
    return PlainLines(lines, width)


class PlainLines(Sequence[Strip]):
    """Lines of a plain chunk: kept as text, each made a ``Strip`` of ``width`` cells when asked for."""

    def __init__(self, lines: list[str | Strip], width: int) -> None:
        self._lines = lines
        self._width = width

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> Strip: ...
    @overload
    def __getitem__(self, index: slice) -> list[Strip]: ...
    def __getitem__(self, index: int | slice) -> Strip | list[Strip]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._lines)))]
        line = self._lines[index]
        if isinstance(line, str):
            line = self._lines[index] = Strip([Segment(line.ljust(self._width))], self._width)
        return line


def wrap_ascii(line: str, width: int) -> list[str]:
    """``line`` in pieces of at most ``width`` characters, cut after spaces, words longer than a line
    folded; trailing spaces of a piece are dropped (as Rich does)."""
    if len(line) <= width:
        return [line]
    pieces: list[str] = []
    start = 0
    end = len(line)
    while end - start > width:
        limit = start + width
        cut = line.rfind(" ", start, limit + 1)
        if cut <= start:  # one word wider than the line: fold it
            pieces.append(line[start:limit])
            start = limit
            continue
        pieces.append(line[start:cut].rstrip(" "))
        start = cut + 1
        while start < end and line[start] == " ":
            start += 1
    if start < end or not pieces:
        pieces.append(line[start:])
    return pieces


def _trim_blank_edges(lines: list[list[Segment]]) -> list[list[Segment]]:
    def blank(line: list[Segment]) -> bool:  # a code block's padding has a background: kept
        return not any(segment.text.strip() or (segment.style and segment.style.bgcolor) for segment in line)

    start, end = 0, len(lines)
    while start < end and blank(lines[start]):
        start += 1
    while end > start and blank(lines[end - 1]):
        end -= 1
    return lines[start:end]
