"""Tables stay readable on narrow terminals: /stats gives up its table for one line per model when the
table would be cut (the cost always whole), /mcp lists each server whole, and the sessions browser fits
its columns and buttons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from mcp_notes import notes_server
from textual.widgets import Button, DataTable
from ui_pilot import run_command, wait_until

from flux_tui.core.agent_events import UsageReported
from flux_tui.ui.app import FluxApp
from flux_tui.ui.widgets.info_panel import InfoPanel


def screen_text(app: FluxApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def spend(app: FluxApp) -> None:
    ledger = app.conversation.sidebar.ledger
    ledger.apply(
        UsageReported(
            provider="anthropic",
            model="claude-sonnet-4-6",
            input_tokens=123_456,
            output_tokens=7_890,
            cache_read_tokens=45_678,
            cache_write_tokens=1_234,
            cost=1.2345,
        )
    )
    ledger.apply(
        UsageReported(provider="openai", model="gpt-4o-mini-2024-07-18", input_tokens=1456, cost=0.0012)
    )


async def show_stats(pilot: Any, app: FluxApp) -> InfoPanel:
    spend(app)
    await run_command(pilot, app, "/stats")
    await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".stats"))
    panel = app.conversation.chat.query(InfoPanel).filter(".stats").last()
    await pilot.pause()
    await pilot.pause()
    panel.scroll_visible(animate=False, top=True)
    await pilot.pause()
    return panel


@pytest.mark.parametrize("size", [(80, 30), (100, 30), (120, 30)])
async def test_stats_on_a_narrow_terminal_shows_every_figure_whole(
    make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await show_stats(pilot, app)
        shown = screen_text(app)
        assert "…" not in shown.split("Usage per provider and model", 1)[1], shown
        names = ("anthropic", "claude-sonnet-4-6", "gpt-4o-mini-2024-07-18")
        for whole in (*names, "$1.23", "$0.0012", "$1.24"):
            assert whole in shown, (whole, shown)
        assert "45.7k" in shown and "1.2k" in shown  # the cache figures too


async def test_stats_keeps_its_table_where_it_fits(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        panel = await show_stats(pilot, app)
        assert "| anthropic | `claude-sonnet-4-6` | 1 | 123k | 7.9k | 45.7k | 1.2k | $1.23 |" in panel.source
        assert "…" not in screen_text(app)


LONG_TITLE = "Refactor the session store so that exports and imports share one schema and one validator " * 2


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


@pytest.fixture
def stored(config: Any) -> list[str]:
    with rig.open_store(config) as store:
        long = rig.store_session(store, [(LONG_TITLE, "Done.")] * 12, cost=0.25, start=1_700_000_000.0)
        # a session that switched models: its list of models is long too
        switched = [("openai", "gpt-4o-mini-2024-07-18"), ("gemini", "gemini-2.5-pro-preview-06-05")]
        store.append(long, [UsageReported(ts=1_700_000_500.0, provider=p, model=m) for p, m in switched])
        short = rig.store_session(
            store, [("Explain decorators", "They wrap.")], provider="openai", model="gpt-4o-mini-2024-07-18"
        )
        return [long, short]


@pytest.mark.parametrize("width", [160, 100, 80])
async def test_the_sessions_browser_fits_its_columns_and_buttons(
    config: Any, stored: list[str], width: int
) -> None:
    app = rig.make(config)
    try:
        async with app.run_test(size=(width, 40)) as pilot:
            screen = await rig.open_browser(pilot, app)
            table: DataTable[Any] = screen.query_one(DataTable)
            assert table.max_scroll_x == 0  # nothing off to the right
            labels = [str(column.label) for column in table.columns.values()]
            assert {"Title", "Cost", "Turns"} <= set(labels)
            shown = screen_text(app)
            assert "Turns" in shown and "$3.00" in shown and " 12 " in shown, shown
            if width >= 160:
                assert "Started" in labels and "Providers / models" in labels
                assert "gpt-4o-mini-2024-07-18" in shown
            for button in screen.query(Button):
                assert button.region.right <= width and button.region.width > 0, button
                assert str(button.label) in shown
    finally:
        rig.close(app)


async def test_the_browser_lays_its_columns_out_again_on_resize(config: Any, stored: list[str]) -> None:
    app = rig.make(config)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            screen = await rig.open_browser(pilot, app)
            table: DataTable[Any] = screen.query_one(DataTable)
            assert len(table.columns) == 6
            await pilot.resize_terminal(80, 40)
            await pilot.pause()
            await pilot.pause()
            assert table.max_scroll_x == 0 and "Turns" in screen_text(app)
            await pilot.resize_terminal(160, 40)
            await pilot.pause()
            await pilot.pause()
            assert len(table.columns) == 6
            assert screen.selected_id is not None
    finally:
        rig.close(app)


async def test_mcp_on_a_narrow_terminal_with_the_inspector_open_shows_each_server_whole(
    make_app: Any, sandbox: Path
) -> None:
    servers = {
        "notes": notes_server(),
        "ghost": {"command": "/nonexistent"},
    }
    (sandbox / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.mcp is not None and app.mcp.tool_names.get("notes"), timeout=60)
        await pilot.press("ctrl+t")
        await run_command(pilot, app, "/mcp")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".mcp"))
        panel = app.conversation.chat.query(InfoPanel).filter(".mcp").last()
        await pilot.pause()
        shown = ""
        for top in range(0, panel.outer_size.height, 5):  # the chat shows a few lines at 24 rows
            app.conversation.chat.scroll_to(y=panel.virtual_region.y + top, animate=False)
            await pilot.pause()
            shown += screen_text(app)
        assert app.conversation.inspector.display
        assert "…" not in shown, shown  # nothing cut short
        for whole in ("notes", "ready", ".mcp.json", "ghost", "failed", "/nonexistent", "mcp__notes__add"):
            assert whole in shown, (whole, shown)
