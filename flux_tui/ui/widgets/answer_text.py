"""Streaming Markdown for long answers: throttled writes, and the document cut into bounded chunks.

An answer is a run of ``AnswerText`` widgets, each closed once it holds ``CHUNK_CHARS`` and the stream
reaches a clean top-level block boundary (a blank line followed by an unindented line, outside any code
fence). Each chunk is one widget that draws its own lines (``markdown_lines``): its text is cut into
blocks by the same rule, every block is rendered once, and only the block still streaming is rendered
again, at most every ``FLUSH_INTERVAL``. The cost of a write is the size of the last block, not of the
answer, and the layout has one widget per chunk to place, not one per paragraph, list item or cell.

Why deferred chunks: in a firehose most of the answer scrolls by before a frame could show it. A chunk
closed before any of it was written to the screen is shown as plain wrapped text (no Markdown parse)
and rendered as Markdown by ``materialize()`` when it scrolls into view or once the app is idle
(``ChatPane`` does both), so the cost is paid for what is seen, and later for the rest.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from flux_tui.ui.beat import BEAT, next_beat, on_beat
from flux_tui.ui.theme_colors import Palette
from flux_tui.ui.widgets.markdown_lines import render_markdown, render_plain
from flux_tui.ui.widgets.selectable_lines import highlight, lines_text, selected_text, with_offsets

# Seconds between two writes to the screen: writes wait for the next beat (``beat``), shared with the
# other widgets that redraw while a stream runs. The end of an answer is written at once: no lag.
FLUSH_INTERVAL = BEAT
FIRST_WRITE_DELAY = 0.02  # an answer's first words go out at once (time to first token is felt)
CHUNK_CHARS = 4000  # a chunk is closed at the next clean block boundary after this many characters
# A chunk after the first is written to the screen only once it has been open this long: in a firehose
# it fills up (and closes) before that and is deferred instead of rendered block by block.
LATER_CHUNK_DELAY = 0.3

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


class ChunkSplitter:
    """Finds where a streamed Markdown text may be cut into independent documents.

    ``feed(text)`` returns the offsets in ``text`` where a new chunk should start (usually none). The
    decision is taken on the first character of a line, so no lookahead is needed, and the per-token
    cost is a ``find`` and a few comparisons.
    """

    def __init__(self, limit: int = CHUNK_CHARS) -> None:
        self.limit = limit
        self._size = 0  # characters in the current chunk
        self._line: list[str] = []  # the current, incomplete line
        self._at_line_start = True
        self._fence: str | None = None  # the opening marker while inside a code fence
        self._blank_before = False  # the previous complete line was blank

    def feed(self, text: str) -> list[int]:
        cuts: list[int] = []
        pos = 0
        end = len(text)
        while pos < end:
            if self._at_line_start:
                self._at_line_start = False
                first = text[pos]
                if (
                    not first.isspace()
                    and self._blank_before
                    and self._fence is None
                    and self._size >= self.limit
                ):
                    cuts.append(pos)
                    self._size = 0
            newline = text.find("\n", pos)
            if newline < 0:
                self._line.append(text[pos:])
                self._size += end - pos
                break
            self._line.append(text[pos : newline + 1])
            self._size += newline + 1 - pos
            self._end_line("".join(self._line))
            self._line.clear()
            self._at_line_start = True
            pos = newline + 1
        return cuts

    def _end_line(self, line: str) -> None:
        stripped = line.strip()
        self._blank_before = not stripped
        match = _FENCE.match(line)
        if match is None:
            return
        marker = match.group(1)
        if self._fence is None:
            self._fence = marker
        elif marker[0] == self._fence[0] and len(marker) >= len(self._fence) and not stripped[len(marker) :]:
            self._fence = None


class AnswerText(Widget):
    """One chunk of assistant text; draws its own lines (see the module docstring), which the mouse can
    select and ctrl+c copy (``selectable_lines``).

    ``first_write_delay``: how long text waits before the first write (``LATER_CHUNK_DELAY`` for every
    chunk but an answer's first, so a fast stream defers them). ``continued``: the chunk follows another
    one of the same text; it is cut there after a blank line, which each chunk's own rendering trims,
    so the class ``-continued`` draws it back (a margin, below): without it, the block opening
    every chunk after the first, often a heading, sat right under the previous one."""

    ALLOW_SELECT = True

    SCOPED_CSS: ClassVar[bool] = False  # the chunk's look in the chat keeps its ``ChatPane`` selectors
    DEFAULT_CSS = """
    AnswerText {
        height: auto;
    }
    ChatPane .answer-text {
        height: auto;
        margin: 0;
        padding: 0;
        background: transparent;
        color: $text;
    }
    ChatPane .answer-text.-continued {
        margin: 1 0 0 0;  /* the blank line the text was cut at */
    }
    """

    class Deferred(Message):
        """A chunk is shown as plain text and waits for ``materialize()``."""

    def __init__(self, *, first_write_delay: float = FIRST_WRITE_DELAY, continued: bool = False) -> None:
        super().__init__(classes="answer-text -continued" if continued else "answer-text")
        self._first_write_delay = first_write_delay
        self._parts: list[str] = []  # everything received
        self._pending: list[str] = []  # received, not on screen yet
        self._splitter = ChunkSplitter(limit=0)  # cuts the shown text into blocks
        self._blocks: list[str] = []  # complete blocks on screen
        self._tail: list[str] = []  # the block still streaming
        self._rendered: dict[int, list[Strip]] = {}  # block index (tail = len(_blocks)) -> its lines
        self._lines: Sequence[Strip] | None = None  # every line at _width, blank lines between blocks
        self._block_starts: list[int] = []  # where each block's lines (and the blank before) begin
        self._width = 0
        self._height = -1  # lines at _width when last drawn (-1: not laid out yet)
        self._ready = False
        self._flush_scheduled = False
        self._ending: bool | None = None  # None: open; else whether end() asked for a final render
        self._defer_on_end = False  # end() asked for a deferred render (bulk loads)
        self._written = False  # some of the text went to the screen already
        self._plain = False  # deferred: drawn as plain text until materialize()
        self._frame_style: Style | None = None  # ``rich_style`` while ``render_lines`` draws
        self.settled = asyncio.Event()

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def on_mount(self) -> None:
        self._ready = True
        if self._ending is not None:
            self.call_later(self._finish)
        elif self._pending:
            self._schedule_flush()

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._pending.append(text)
        if self._ready and not self._flush_scheduled:
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        self._flush_scheduled = True
        if self._written:
            delay = next_beat()
        elif self._first_write_delay > FIRST_WRITE_DELAY:
            delay = on_beat(self._first_write_delay)
        else:
            delay = self._first_write_delay  # an answer's first words: at once, not on the beat
        self.set_timer(delay, self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending and not self.settled.is_set():
            if self._defers:
                return  # closed before anything was shown: _finish defers it instead
            self._show_pending()

    def _show_pending(self) -> None:
        chunk = "".join(self._pending)
        self._pending.clear()
        self._written = True
        first_line = self._tail_start()
        self._ingest(chunk)
        self._changed(first_line)

    def _tail_start(self) -> int:
        """The first line that showing more text can change: the streaming block's (0 if not drawn)."""
        tail = len(self._blocks)
        if self._lines is None or tail >= len(self._block_starts):
            return 0
        return self._block_starts[tail]

    def _ingest(self, text: str) -> None:
        """Add shown text: complete blocks are closed, the rest extends the streaming one."""
        first_changed = len(self._blocks)
        start = 0
        for cut in self._splitter.feed(text):
            self._tail.append(text[start:cut])
            self._blocks.append("".join(self._tail))
            self._tail.clear()
            start = cut
        self._tail.append(text[start:])
        for index in range(first_changed, len(self._blocks) + 1):
            self._rendered.pop(index, None)
        self._lines = None

    def _changed(self, first_line: int = 0) -> None:
        """Redraw from ``first_line`` on; lay out again only when the height changed (most writes
        extend the last lines). The lines above stay as Textual drew them: when the chat scrolls, it
        places them again instead of drawing them again."""
        before = self._height
        self._lines = None
        self._height = len(self.lines(self._width)) if self._width else -1
        layout = self._height != before or before < 0
        if first_line > 0 and before >= 0:
            changed = Region(0, first_line, self._width, max(before, self._height) - first_line)
            self.refresh(changed, layout=layout)
        else:
            self.refresh(layout=layout)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual redraws every line of a widget whose size changed; a chunk's lines do not depend on
        # its height, and ``_changed`` marks the ones that changed, so growing keeps the others.
        if self._size.width == size.width and self._size.height and size.height:
            self._size = size
        return super()._size_updated(size, virtual_size, container_size, layout)

    def end(self, *, rerender: bool = True, defer: bool = False) -> None:
        """No more text: show what is pending.

        ``defer``: if nothing was shown yet, show plain text until ``materialize()`` (a chunk closed
        mid-answer by the splitter is always deferred that way, ``rerender=False``).
        """
        if self._ending is not None:
            return
        self._ending = rerender
        self._defer_on_end = defer
        if rerender:
            # The end of an answer is taken in now, even before this chunk is mounted: from a queued
            # callback, a frame of the screen could come first, draw the chunk empty, and cost a
            # second frame (a third of a fast exchange).
            self._finish()
        elif self._ready:
            self.set_timer(on_beat(0.0), self._finish)  # a chunk closed mid-stream: with the others

    @property
    def _defers(self) -> bool:
        return self._ending is not None and not self._written and (self._defer_on_end or not self._ending)

    @property
    def deferred(self) -> bool:
        """Shown as plain text until ``materialize()``."""
        return self._plain

    def _finish(self) -> None:
        if self.settled.is_set():
            return
        if self._defers:
            self._pending.clear()
            self._plain = True
            self._changed()
            self.settled.set()
            self.post_message(self.Deferred())
            return
        if self._pending:
            self._show_pending()
        self.settled.set()

    def restyle(self) -> None:
        """Render again in the app's current colours (the theme changed)."""
        self._rendered.clear()
        self._changed()

    async def materialize(self) -> None:
        """Render a deferred chunk as Markdown."""
        if not self._plain:
            return
        self._plain = False
        self._written = True
        self._ingest(self.text)
        self._changed()

    # -- drawing ------------------------------------------------------------------------------------

    def lines(self, width: int) -> Sequence[Strip]:
        """Every line of this chunk at ``width`` cells (rendered blocks are kept until the width changes)."""
        if width != self._width:
            self._width = width
            self._rendered.clear()
            self._lines = None
        if self._lines is None:
            self._lines = self._compose_lines(width)
        return self._lines

    @property
    def rendered_text(self) -> str:
        """What is drawn now, as plain text (one line per screen line)."""
        return lines_text(self.lines(self._width or self.content_size.width))

    def _compose_lines(self, width: int) -> Sequence[Strip]:
        starts = self._block_starts
        starts.clear()
        if width <= 0:
            return []
        console = self.app.console
        if self._plain:
            return render_plain(console, self.text, width)
        blank = Strip.blank(width)
        lines: list[Strip] = []
        sources = [*self._blocks, "".join(self._tail)]
        palette = getattr(self.app, "palette", None)
        colours = (palette.markdown, palette.syntax) if isinstance(palette, Palette) else ()
        for index, source in enumerate(sources):
            block = self._rendered.get(index)
            if block is None:
                block = self._rendered[index] = render_markdown(console, source, width, *colours)
            starts.append(len(lines))
            if block and lines:
                lines.append(blank)
            lines.extend(block)
        return lines

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        self._height = len(self.lines(width))
        return self._height

    def render_lines(self, crop: Region) -> list[Strip]:
        # The chunk's style is read once for the lines of a frame, not once per line: ``rich_style``
        # walks the styles of every ancestor (about 50 µs here), and a frame draws up to a screenful.
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        lines = self.lines(width)
        style = self.rich_style if self._frame_style is None else self._frame_style
        if y >= len(lines):
            return Strip.blank(width, style)
        line = lines[y].apply_style(style)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            line = highlight(line, *span, self.screen.get_component_rich_style("screen--selection"))
        return with_offsets(line, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected part of what is drawn (Textual joins the widgets' parts for ctrl+c)."""
        return selected_text(self.lines(self._width or self.content_size.width), selection), "\n"
