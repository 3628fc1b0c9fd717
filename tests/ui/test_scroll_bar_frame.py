"""A scrolling container's scroll bar is drawn in the frame of the layout that moved its thumb
(``ui/textual_patches``, fix 4), not in a frame of its own after it."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.scrollbar import ScrollBar
from textual.widgets import Static

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the patches)


class _LongChat(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for n in range(60):
                yield Static(f"line {n}", id=f"line-{n}")


async def test_a_growing_answer_moves_the_thumb_in_its_own_frame(monkeypatch: Any) -> None:
    app = _LongChat()
    async with app.run_test(size=(40, 10)) as pilot:
        chat = app.query_one(VerticalScroll)
        chat.anchor()
        last = app.query_one("#line-59", Static)
        await pilot.pause(0.2)
        bar = chat.vertical_scrollbar
        assert bar.window_virtual_size == 60
        frames: list[int] = []
        bar_drawn: list[tuple[int, int]] = []  # (frame it was drawn for, the height it showed)
        display, render = App._display, ScrollBar.render

        def counting(self: App[Any], screen: Any, renderable: Any) -> None:
            if renderable is not None:
                frames.append(1)
            display(self, screen, renderable)

        def drawn(self: ScrollBar) -> Any:
            if self is bar:
                bar_drawn.append((len(frames), self.window_virtual_size))
            return render(self)

        monkeypatch.setattr(App, "_display", counting)
        monkeypatch.setattr(ScrollBar, "render", drawn)
        last.update("line 59\nand a second line\nand a third")  # the answer grew by two lines
        await pilot.pause(0.3)
        assert chat.scroll_y == chat.max_scroll_y  # still following the end
        assert len(frames) == 1, f"{len(frames)} frames for one change"
        assert bar_drawn == [(0, 62)], "the bar is drawn, at the new height, before the one frame goes out"
        assert not bar._repaint_required
