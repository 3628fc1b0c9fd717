"""PageUp/PageDown scroll the conversation one page per press, at once: a burst of N presses scrolls N
pages, and as many pages down as up come back to the same row."""

from __future__ import annotations

import asyncio
from typing import Any

from ui_pilot import SIZE, burst, handled

from flux_tui.ui.app import FluxApp


async def long_chat(pilot: Any, app: FluxApp) -> int:
    for number in range(400):
        app.conversation.chat.add_notice(f"line {number}")
    await pilot.pause()
    app.conversation.chat.scroll_end(animate=False)
    await pilot.pause()
    page = app.conversation.chat.scrollable_content_region.height
    assert app.conversation.chat.max_scroll_y > 6 * page
    return page


async def test_a_burst_of_page_ups_scrolls_a_page_each(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        page = await long_chat(pilot, app)
        bottom = app.conversation.chat.scroll_y
        burst(app, *["pageup"] * 5)
        await handled(pilot)
        assert app.conversation.chat.scroll_y == bottom - 5 * page
        burst(app, *["pagedown"] * 5)
        await handled(pilot)
        assert app.conversation.chat.scroll_y == bottom == app.conversation.chat.max_scroll_y


async def test_presses_while_the_last_one_scrolls_are_not_lost(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        page = await long_chat(pilot, app)
        bottom = app.conversation.chat.scroll_y
        for _ in range(4):
            burst(app, "pageup")  # 150 ms apart, as a person presses: not waiting for any scrolling
            await asyncio.sleep(0.15)
        await handled(pilot)
        assert app.conversation.chat.scroll_y == bottom - 4 * page
        for _ in range(4):
            burst(app, "pagedown")
            await asyncio.sleep(0.15)
        await handled(pilot)
        assert app.conversation.chat.scroll_y == bottom


async def test_the_chat_own_page_keys_scroll_at_once_too(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        page = await long_chat(pilot, app)
        bottom = app.conversation.chat.scroll_y
        app.conversation.chat.focus()
        await pilot.pause()
        burst(app, "pageup", "pageup", "pageup")
        await handled(pilot)
        assert app.conversation.chat.scroll_y == bottom - 3 * page
        burst(app, "pagedown", "end")
        await handled(pilot)
        assert app.conversation.chat.scroll_y == bottom


async def test_a_burst_of_page_downs_in_the_approval_diff_scrolls_a_page_each() -> None:
    from textual.app import App

    from flux_tui.core.protocols import ApprovalRequest
    from flux_tui.ui.screens.approval import ApprovalScreen

    lines = "".join(f"-line {i}\n+line {i}!\n" for i in range(120))
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1,120 +1,120 @@\n" + lines
    request = ApprovalRequest(call_id="c", tool_name="write_file", input={"path": "x.py"}, preview=diff)
    app: App[None] = App()
    async with app.run_test(size=(80, 40)) as pilot:
        screen = ApprovalScreen(request)
        app.push_screen(screen)
        await handled(pilot)
        preview = screen.query_one("#approval-preview")
        page = preview.scrollable_content_region.height
        assert preview.max_scroll_y > 3 * page
        burst(app, "pagedown", "pagedown", "pagedown")
        await handled(pilot)
        assert preview.scroll_y == 3 * page
