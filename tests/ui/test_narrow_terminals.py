"""On narrow terminals the conversation keeps most of the width: the side panels narrow, then hide
(their keys still open them, narrower), and the top bar and the footer fit instead of being cut."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Footer
from ui_pilot import wait_until

from flux_tui.ui.app import FluxApp

CHAT_MIN = 60  # what the conversation keeps beside the panels when it can (panels.CHAT_MIN)


def _lines(app: FluxApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def _ready(pilot: Any, app: FluxApp) -> None:
    await wait_until(pilot, lambda: app.conversation.top_bar._menus is not None)
    await pilot.pause()


def _bars_fit(app: FluxApp) -> None:
    width = app.size.width
    top, bottom = _lines(app)[0], _lines(app)[-1]
    assert top.count("▼") == 2, top  # both menus, each with its arrow
    assert "claude-sonnet-4" in top, top
    for widget in app.conversation.top_bar.children:
        if widget.display:
            assert widget.region.right <= width, widget
    footer = app.query_one(Footer)
    assert footer.max_scroll_x == 0, bottom  # nothing of the footer is cut off
    assert "Quit" in bottom and "palette" in bottom and "Help" in bottom, bottom


async def test_at_80x24_the_chat_gets_the_width_and_the_panels_open_narrower(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot, app)
        assert not app.conversation.sidebar.display  # open by default, but there is no room for it here
        assert app.conversation.chat.size.width >= 70
        _bars_fit(app)
        await pilot.press("ctrl+b")  # asked for: shown, narrower
        await pilot.pause()
        assert app.conversation.sidebar.display
        assert app.conversation.chat.outer_size.width >= 40
        assert app.conversation.chat.outer_size.width + app.conversation.sidebar.outer_size.width == 80
        await pilot.press("ctrl+t")  # one panel at a time here: the one asked for last
        await pilot.pause()
        assert app.conversation.inspector.display and not app.conversation.sidebar.display
        assert app.conversation.chat.outer_size.width >= 40
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert not app.conversation.inspector.display
        assert app.conversation.chat.size.width >= 70


async def test_at_60_columns_the_top_bar_and_footer_fit(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await _ready(pilot, app)
        _bars_fit(app)
        await pilot.press("ctrl+t")  # left the chat 0 columns (and the prompt crashed drawing itself)
        await pilot.pause()
        assert app.conversation.inspector.display
        assert app.conversation.chat.outer_size.width >= 30
        assert app.conversation.prompt_input.size.width > 0


@pytest.mark.parametrize("width", [80, 100, 110, 130, 160])
async def test_the_bars_fit_at_common_widths(make_app: Any, width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await _ready(pilot, app)
        _bars_fit(app)


async def test_panels_come_back_when_the_terminal_grows(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.conversation.inspector.display and app.conversation.sidebar.display
        assert (app.conversation.inspector.outer_size.width, app.conversation.sidebar.outer_size.width) == (
            60,
            36,
        )
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.conversation.chat.outer_size.width >= CHAT_MIN
        assert (
            app.conversation.inspector.display and not app.conversation.sidebar.display
        )  # the one opened last stays
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.conversation.inspector.display  # asked for with its key: kept, at most half the width
        assert app.conversation.chat.outer_size.width >= 40
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert app.conversation.inspector.display and app.conversation.sidebar.display
        assert (app.conversation.inspector.outer_size.width, app.conversation.sidebar.outer_size.width) == (
            60,
            36,
        )
        await pilot.resize_terminal(60, 20)  # straight down: the first frame still has the wide panels
        await pilot.pause()
        assert app.conversation.inspector.display and not app.conversation.sidebar.display
        assert app.conversation.chat.outer_size.width >= 30 and app.conversation.prompt_input.size.width > 0
