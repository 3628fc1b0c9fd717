"""Quitting with an MCP server stuck at startup is quick and leaves no server process behind; a server
that does not start within its ``startup_timeout`` is reported in the chat."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from ui_pilot import SIZE, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine

MARK = "987.6543"  # sleep's argument: finds this test's process among the machine's


def _sleepers() -> str:
    found = subprocess.run(["pgrep", "-f", f"sleep {MARK}"], capture_output=True, text=True)
    return found.stdout.strip()


async def test_quit_with_a_server_stuck_at_startup_is_bounded(make_app: Any, sandbox: Path) -> None:
    servers = {"hang": {"command": "sleep", "args": [MARK]}}
    (sandbox / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.mcp is not None and bool(_sleepers()), timeout=20)
        started = time.monotonic()
        app.exit()
        await pilot.pause()
    took = time.monotonic() - started
    await asyncio.sleep(0.2)
    assert took < 4.5, took
    assert not _sleepers()


async def test_a_server_that_does_not_start_is_reported(make_app: Any) -> None:
    app = make_app(mcp_servers={"hang": {"command": "sleep", "args": [MARK], "startup_timeout": 1}})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.mcp is not None and bool(_sleepers()), timeout=20)
        started = time.monotonic()
        await wait_until(
            pilot,
            lambda: any("did not start" in str(n.render()) for n in app.conversation.chat.query(NoticeLine)),
            timeout=20,
        )
        took = time.monotonic() - started
        await asyncio.sleep(0.2)
        assert not _sleepers()
    assert took < 4, took
