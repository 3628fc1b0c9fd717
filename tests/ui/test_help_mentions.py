"""``/help`` tells about ``@path``, ``!command``, ``/init`` and ``/mcp``; the palette offers the last two."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, run_command

from flux_tui.ui.commands import help_markdown
from flux_tui.ui.widgets.info_panel import InfoPanel


def test_help_names_mentions_shell_init_and_mcp() -> None:
    text = help_markdown([])
    assert "`@path` attaches" in text and "`!command` runs" in text
    assert "`/init`" in text and "`/mcp [restart [NAME]]`" in text


async def test_mcp_without_servers_says_how_to_add_them_and_the_palette_offers_it(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        titles = [title for title, _help, _call in app.palette_actions()]
        assert "MCP servers (/mcp)" in titles and "Write AGENTS.md (/init)" in titles
        await run_command(pilot, app, "/mcp")
        panel = app.conversation.chat.query(InfoPanel).filter(".mcp").last()
        assert "None configured" in panel.source and ".mcp.json" in panel.source
