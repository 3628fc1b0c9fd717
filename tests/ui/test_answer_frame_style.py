"""An answer chunk reads its style once for the lines of a frame, not once per line (``rich_style``
walks the styles of every ancestor), and draws the same lines as reading it per line does."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widget import Widget

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the Textual patches)
from flux_tui.ui.widgets.answer_text import AnswerText

TEXT = (
    "# A heading\n\nA paragraph long enough to wrap over several lines of this narrow chat, with "
    "**bold** and `code` in it.\n\n- one item\n- two items\n\n```python\nx = 1\ny = 2\n```\n"
)


class _Chat(App[None]):
    CSS = "AnswerText { background: $panel; color: $text; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield AnswerText()


async def test_a_frame_reads_the_style_once_and_draws_the_same_lines(monkeypatch: Any) -> None:
    app = _Chat()
    async with app.run_test(size=(40, 30)) as pilot:
        chunk = app.query_one(AnswerText)
        chunk.add(TEXT)
        chunk.end()
        await pilot.pause(0.1)
        height = chunk.size.height
        assert height > 10
        region = Region(0, 0, chunk.size.width, height)
        chunk._styles_cache.clear()
        per_line = Widget.render_lines(chunk, region)  # Textual's own: the style read for each line
        reads: list[int] = []
        rich_style = Widget.rich_style

        def counting(self: Widget) -> Style:
            if self is chunk:
                reads.append(1)
            return rich_style.fget(self)  # type: ignore[attr-defined]

        monkeypatch.setattr(AnswerText, "rich_style", property(counting))
        chunk._styles_cache.clear()
        lines = chunk.render_lines(region)
        assert len(reads) == 1, f"the style was read {len(reads)} times for {height} lines"
        assert [line.text for line in lines] == [line.text for line in per_line]
        assert [list(line) for line in lines] == [list(line) for line in per_line]
