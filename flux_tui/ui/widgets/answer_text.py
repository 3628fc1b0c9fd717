"""Streaming Markdown for long answers: throttled writes, and the document cut into bounded chunks.

Why chunks: Textual's ``Markdown`` re-reads its whole source on every append and re-mounts every block
on ``update()``, so one widget holding a 20,000-token answer gets slower with every token and its final
update takes seconds. The answer is therefore a run of ``AnswerText`` widgets, each closed once it holds
``CHUNK_CHARS`` and the stream reaches a clean top-level block boundary (a blank line followed by an
unindented line, outside any code fence). A chunk is a complete Markdown document of its own, so it
renders exactly as the same text would inside the whole answer; only the last chunk gets the final
full ``update()`` when the answer ends (a closed chunk's blocks are already final).
"""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownStream

FLUSH_INTERVAL = 0.05  # seconds between two writes to a Markdown stream
CHUNK_CHARS = 4000  # a chunk is closed at the next clean block boundary after this many characters

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
    """One chunk of assistant text, streamed with a throttled ``MarkdownStream``."""

    def __init__(self) -> None:
        super().__init__("", classes="answer-text")
        self._parts: list[str] = []
        self._pending: list[str] = []
        self._stream: MarkdownStream | None = None
        self._ready = False
        self._flush_scheduled = False
        self._ending: bool | None = None  # None: open; else whether the end re-renders the document
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
        self.set_timer(FLUSH_INTERVAL, self._flush)

    async def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending and self._stream is not None:
            chunk = "".join(self._pending)
            self._pending.clear()
            await self._stream.write(chunk)

    def end(self, *, rerender: bool = True) -> None:
        """No more text: flush it, and with ``rerender`` parse the whole chunk once more."""
        if self._ending is not None:
            return
        self._ending = rerender
        if self._ready:
            self.call_later(self._finish)

    async def _finish(self) -> None:
        if self.settled.is_set():
            return
        await self._flush()
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.stop()
        if self._ending:
            await self.update(self.text)
        self.settled.set()
