"""A streaming chunk that grows keeps the lines Textual drew for it above the block still streaming, and
what Textual shows from them is what drawing every line again shows."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.strip import Strip

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the Textual patches)
from flux_tui.ui.widgets.answer_text import AnswerText

PIECES = [
    "# A heading\n\nFirst paragraph, long enough to wrap over more than one line of the narrow chat. ",
    "It goes on.\n\n- one item\n- two",
    " items\n\n```python\nx = 1\n",
    "y = 2\n```\n\nA table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "\nThe end of it, with **bold** words and a last line that wraps around the width.\n",
]


class _Chat(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield AnswerText()


def drawn(chunk: AnswerText) -> list[Strip]:
    """What Textual shows of the chunk now (its cached lines where it kept them)."""
    return chunk.render_lines(Region(0, 0, chunk.size.width, chunk.size.height))


def fresh(chunk: AnswerText) -> list[Strip]:
    chunk._styles_cache.clear()
    return drawn(chunk)


async def test_growing_keeps_the_lines_above_and_shows_what_a_full_redraw_shows(monkeypatch: Any) -> None:
    app = _Chat()
    async with app.run_test(size=(40, 12)) as pilot:
        chat = app.query_one(VerticalScroll)
        chat.anchor()
        chunk = app.query_one(AnswerText)
        rendered: list[int] = []
        render_line = AnswerText.render_line

        def counting(self: AnswerText, y: int) -> Strip:
            rendered.append(y)
            return render_line(self, y)

        monkeypatch.setattr(AnswerText, "render_line", counting)
        heights: list[int] = []
        widths: list[int] = []
        for piece in PIECES:
            rendered.clear()
            chunk.add(piece)
            chunk._flush()  # the beat's write
            await pilot.pause(0.1)
            heights.append(chunk.size.height)
            widths.append(chunk.size.width)
            in_the_frame = sorted(set(rendered))
            kept = drawn(chunk)
            redrawn = fresh(chunk)
            assert [line.text for line in kept] == [line.text for line in redrawn]
            assert kept == redrawn
            if len(heights) > 1 and widths[-2] == widths[-1]:  # (a new scroll bar takes width)
                assert in_the_frame, "the frame drew nothing new"
                assert min(in_the_frame) > 0, "the lines above the streaming block were drawn again"
        assert heights == sorted(heights) and heights[-1] > 12  # it grew, past the view
        assert chat.scroll_y == chat.max_scroll_y
