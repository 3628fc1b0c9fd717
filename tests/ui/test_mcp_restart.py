"""``/mcp restart [NAME]``: a server that died is started again and its tools come back; without a name
every server that is not running restarts; Tab completes the word and the servers' names."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from mcp_notes import notes_server
from ui_pilot import SIZE, run_command, wait_until

from flux_tui.ui.commands import complete
from flux_tui.ui.widgets.chat_items import NoticeLine


def notices(app: Any) -> list[str]:
    return [str(n.render()) for n in app.conversation.chat.query(NoticeLine)]


async def test_a_server_that_died_is_restarted_with_its_tools(make_app: Any, sandbox: Path) -> None:
    servers = {"notes": notes_server()}
    (sandbox / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        ready = lambda: app.mcp is not None and bool(app.mcp.tool_names.get("notes"))  # noqa: E731
        await wait_until(pilot, ready, timeout=60)
        first = app.mcp.connections[0]
        app.mcp.server_gone(first, "killed by the test")
        assert "mcp__notes__add" not in app.agent.tools.tools
        await run_command(pilot, app, "/mcp restart")  # no name: the servers that are not running
        await wait_until(pilot, lambda: any("notes restarted" in text for text in notices(app)), timeout=60)
        assert app.mcp.connections[0] is not first and app.mcp.connections[0].state == "ready"
        assert "mcp__notes__add" in app.agent.tools.tools
        assert "MCP server notes restarted: ready (4 tools)." in notices(app)
        await run_command(pilot, app, "/mcp restart")
        await wait_until(pilot, lambda: any("every MCP server is running" in t for t in notices(app)))
        await run_command(pilot, app, "/mcp restart ghost")
        unknown = "No MCP server 'ghost' (servers: notes)."
        await wait_until(pilot, lambda: unknown in notices(app))
        assert app.mcp.connections[0].state == "ready"
    assert app.mcp.connections[0].state == "stopped"  # the restarted one stops with the app


def test_tab_completes_restart_and_the_server_names() -> None:
    def done(text: str) -> list[str]:
        return complete(text, providers=[], models=[], servers=lambda: ["notes", "github"])

    assert done("/mcp r") == ["/mcp restart"]
    assert done("/mcp restart g") == ["/mcp restart github"]
    assert done("/mcp ") == ["/mcp restart"]
    assert done("/mcp restart ") == ["/mcp restart notes", "/mcp restart github"]


async def test_two_restarts_at_once_leave_one_server_with_one_set_of_tools(tmp_path: Path) -> None:
    from flux_tui.mcp.manager import McpManager
    from flux_tui.tools import ToolBox

    servers = {"notes": notes_server()}
    (tmp_path / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    tools = ToolBox(tmp_path)
    manager = McpManager(None, tools)
    try:
        await asyncio.gather(manager.start(), manager.restart("notes"), manager.restart("notes"))
        assert [conn.state for conn in manager.connections] == ["ready"]
        registered = sorted(name for name in tools.tools if name.startswith("mcp__"))
        assert registered == sorted(manager.tool_names["notes"])  # no second set, none orphaned
        assert not any(name.endswith("_2") for name in registered)
    finally:
        await manager.stop()
    assert [conn.state for conn in manager.connections] == ["stopped"]
