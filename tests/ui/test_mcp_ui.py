"""MCP in the app: servers from ``.mcp.json`` start after the first frame, ``/mcp`` lists them with their
state and tools, a call is approved like any other and shows in the inspector, and the servers stop
with the app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from key_guard_support import wait_out_key_guard
from mcp_notes import notes_server
from ui_pilot import SIZE, finish_turn, run_command, type_text, wait_until

from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.widgets.info_panel import InfoPanel


async def test_mcp_servers_listed_called_with_approval_inspected_and_stopped(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    servers = {"notes": notes_server(), "ghost": {"command": "/nonexistent"}}
    (sandbox / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    fake_api.queue_anthropic_tool_use([("toolu_m", "mcp__notes__add", {"a": 20, "b": 22})])
    fake_api.queue_anthropic_text("It is 42.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.mcp is not None and app.mcp.tool_names.get("notes"), timeout=60)
        await run_command(pilot, app, "/mcp")
        listing = app.conversation.chat.query(InfoPanel).filter(".mcp").last().source
        assert "- **notes**: ready (from .mcp.json)" in listing and "`mcp__notes__add`" in listing
        assert "- **ghost**: failed: " in listing
        await type_text(pilot, app, "what is 20 + 22?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await wait_out_key_guard(app.screen)
        await pilot.press("y")
        await finish_turn(pilot, app)
        record = app.conversation.inspector.record("toolu_m")
        assert record is not None and record.status == "done" and record.result == "42"
        assert record.input == {"a": 20, "b": 22} and record.duration is not None
        first = fake_api.requests_to("/v1/messages")[0].body
        assert "mcp__notes__add" in [tool["name"] for tool in first["tools"]]
        connections = list(app.mcp.connections)
    assert all(conn.state in ("stopped", "failed") for conn in connections)
    assert all(conn._task is None or conn._task.done() for conn in connections)
