"""Mouse text selection for a widget that draws its own lines (``render_line``), as Textual's ``Log`` does.

Textual finds where a selection starts and ends from the ``offset`` metadata of the segments under the
pointer (``Compositor.get_widget_and_offset_at`` calls ``render_line``), highlights what each widget
draws itself, and asks every selected widget for its text (``Widget.get_selection``). Offsets count
characters from the start of a drawn line, as the selection does; the text of a line is what is drawn,
trailing padding removed, so a copy is what was seen.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.selection import Selection
from textual.strip import Strip


def with_offsets(strip: Strip, y: int) -> Strip:
    """``strip`` with each segment marked with its (character, line) offset.

    Not ``Strip.apply_offsets``: that keeps the marked copy in the strip's cache, and an answer's lines
    are kept for as long as it is on screen, so every line drawn once would be held twice.
    """
    x = 0
    segments: list[Segment] = []
    for text, style, control in strip:
        meta = Style.from_meta({"offset": (x, y)})
        segments.append(Segment(text, style + meta if style else meta, control))
        x += len(text)
    return Strip(segments, strip.cell_length)


def highlight(strip: Strip, start: int, end: int, style: Style) -> Strip:
    """``style`` laid over the characters ``start`` to ``end`` (-1: to the end of the line) of ``strip``."""
    if end == -1:
        end = sum(len(segment.text) for segment in strip)
    if end <= start:
        return strip
    position = 0
    segments: list[Segment] = []
    for segment in strip:
        text, base, control = segment
        length = len(text)
        first, last = max(start - position, 0), min(end - position, length)
        if control or first >= last:
            segments.append(segment)
        else:
            marked = base + style if base else style
            pieces = ((text[:first], base), (text[first:last], marked), (text[last:], base))
            segments.extend(Segment(piece, piece_style) for piece, piece_style in pieces if piece)
        position += length
    return Strip(segments, strip.cell_length)


def lines_text(lines: Sequence[Strip]) -> str:
    """The drawn lines as plain text, one per line, without the padding that fills each to the width."""
    return "\n".join(strip.text.rstrip() for strip in lines)


def selected_text(lines: Sequence[Strip], selection: Selection) -> str:
    return selection.extract(lines_text(lines))
