"""Streaming Markdown for long answers: throttled writes, and the document cut into bounded chunks.

Why chunks: Textual's ``Markdown`` re-reads its whole source on every append and re-mounts every block
on ``update()``, so one widget holding a 20,000-token answer gets slower with every token and its final
update takes seconds. The answer is therefore a run of ``AnswerText`` widgets, each closed once it holds
``CHUNK_CHARS`` and the stream reaches a clean top-level block boundary (a blank line followed by an
unindented line, outside any code fence). A chunk is a complete Markdown document of its own, so it
renders exactly as the same text would inside the whole answer; only the last chunk gets the final
full ``update()`` when the answer ends (a closed chunk's blocks are already final).

Why deferred chunks: mounting Markdown blocks is the expensive part (about 2 s for a 20,000-token
document), and in a firehose most of the answer scrolls by before a frame could show it. A chunk closed
before anything of it was written to the screen is shown as plain text (one cheap widget) and turned
into Markdown by ``materialize()`` when it scrolls into view or once the app is idle (``ChatPane``
does both), so the cost is paid for what is seen, and later for the rest, not while the stream runs.
"""

from __future__ import annotations

import asyncio
import re

from textual.content import Content
from textual.message import Message
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

FLUSH_INTERVAL = 0.1  # seconds between two writes to a Markdown stream (each costs a layout and a frame)
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


class AnswerText(Markdown):
    """One chunk of assistant text, streamed with a throttled ``MarkdownStream``.

    ``first_write_delay``: how long text waits before the first write (``LATER_CHUNK_DELAY`` for every
    chunk but an answer's first, so a fast stream defers them)."""

    class Deferred(Message):
        """A chunk is shown as plain text and waits for ``materialize()``."""

    def __init__(self, *, first_write_delay: float = FLUSH_INTERVAL) -> None:
        super().__init__("", classes="answer-text")
        self._first_write_delay = first_write_delay
        self._parts: list[str] = []
        self._pending: list[str] = []
        self._stream: MarkdownStream | None = None
        self._ready = False
        self._flush_scheduled = False
        self._ending: bool | None = None  # None: open; else whether the end re-renders the document
        self._defer_on_end = False  # end() asked for a deferred render (bulk loads)
        self._written = False  # some of the text went to the stream already
        self._placeholder: Static | None = None
        self._materializing = False
        self.settled = asyncio.Event()

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def on_mount(self) -> None:
        # Markdown's own mount handler has run its initial update() by now; appending earlier would be
        # wiped by it, so text that arrived before this point waits in _pending.
        self._ready = True
        self._stream = Markdown.get_stream(self)
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
        self.set_timer(FLUSH_INTERVAL if self._written else self._first_write_delay, self._flush)

    async def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending and self._stream is not None:
            if self._defers:
                return  # closed before anything was shown: _finish defers it instead
            chunk = "".join(self._pending)
            self._pending.clear()
            self._written = True
            await self._stream.write(chunk)

    def end(self, *, rerender: bool = True, defer: bool = False) -> None:
        """No more text: flush it, and with ``rerender`` parse the whole chunk once more.

        ``defer``: if nothing was shown yet, show plain text until ``materialize()`` (a chunk closed
        mid-answer by the splitter is always deferred that way).
        """
        if self._ending is not None:
            return
        self._ending = rerender
        self._defer_on_end = defer
        if self._ready:
            self.call_later(self._finish)

    @property
    def _defers(self) -> bool:
        return self._ending is not None and not self._written and (self._defer_on_end or not self._ending)

    @property
    def deferred(self) -> bool:
        """Shown as plain text until ``materialize()``."""
        return self._placeholder is not None

    async def _finish(self) -> None:
        if self.settled.is_set():
            return
        stream, self._stream = self._stream, None
        if self._defers:
            self._pending.clear()
            if stream is not None:
                await stream.stop()
            self._placeholder = Static(Content(self.text), classes="answer-deferred")
            await self.mount(self._placeholder)
            self.settled.set()
            self.post_message(self.Deferred())
            return
        if self._pending and stream is not None:
            chunk = "".join(self._pending)
            self._pending.clear()
            await stream.write(chunk)
        if stream is not None:
            await stream.stop()
        if self._ending:
            await self.update(self.text)
        self.settled.set()

    async def materialize(self) -> None:
        """Replace the plain-text stand-in of a deferred chunk by the rendered Markdown."""
        placeholder = self._placeholder
        if placeholder is None or self._materializing:
            return
        self._materializing = True
        try:
            with self.app.batch_update():
                await placeholder.remove()
                await self.update(self.text)
        finally:
            self._placeholder = None
            self._materializing = False
