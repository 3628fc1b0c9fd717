"""The chat's scroll bar has its column from the start: when an answer first grows past the screen,
the text keeps its width (nothing wraps again) and the chat is drawn in one frame, not in a second
one for a scroll bar that appears."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from flux_tui.ui.widgets.chat_pane import ChatPane


class _Chat(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatPane()


async def test_the_first_answer_past_the_screen_keeps_the_width_and_takes_one_frame(
    monkeypatch: Any,
) -> None:
    app = _Chat()
    async with app.run_test(size=(40, 10)) as pilot:
        chat = app.query_one(ChatPane)
        chat.anchor()
        await chat.mount(Static("a short prompt"))
        await pilot.pause(0.2)
        assert chat.max_scroll_y == 0
        width = chat.scrollable_content_region.width
        frames: list[int] = []
        display = App._display

        def counting(self: App[Any], screen: Any, renderable: Any) -> None:
            if renderable is not None:
                frames.append(1)
            display(self, screen, renderable)

        monkeypatch.setattr(App, "_display", counting)
        answer = Static("\n".join(f"line {n}" for n in range(30)))
        await chat.mount(answer)
        await pilot.pause(0.3)
        assert chat.max_scroll_y > 0 and chat.scroll_y == chat.max_scroll_y  # following the end
        assert chat.scrollable_content_region.width == width, "the text was wrapped again"
        assert answer.size.width == width
        assert len(frames) == 1, f"{len(frames)} frames for one answer"


async def test_the_scroll_bar_column_is_blank_while_there_is_nothing_to_scroll() -> None:
    app = _Chat()
    async with app.run_test(size=(40, 10)) as pilot:
        chat = app.query_one(ChatPane)
        await chat.mount(Static("a short prompt"))
        await pilot.pause(0.2)
        bar = chat.vertical_scrollbar
        assert bar.display
        column = {app.screen.get_style_at(bar.region.x, y).bgcolor for y in range(bar.region.height)}
        beside = {app.screen.get_style_at(bar.region.x - 1, y).bgcolor for y in range(bar.region.height)}
        assert column == beside, "the empty track shows as a stripe down the chat"
