"""A replay starts no MCP server (nothing is run while it plays, and no notice of a server lands in the
replayed chat); the servers start when the app goes live again, as the provider's warm-up does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from mcp_notes import notes_server
from ui_pilot import SIZE, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    servers = {"notes": notes_server()}
    (sandbox / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    return rig.sandbox_config(fake_api)


async def test_the_servers_wait_for_the_replay_to_close(config: Any, fake_api: Any) -> None:
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("first", "one"), ("second", "two")])
    app = rig.make(config, command="replay", session_id=session_id, speed="instant")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.wait_replay_done(pilot, app)
            await pilot.pause(0.5)  # a server would have been started after the first frame
            assert app.mcp is None
            notices = [str(n.render()) for n in app.conversation.chat.query(NoticeLine)]
            assert not any("MCP" in text for text in notices)
            await pilot.press("escape")  # stop the replay: the app is live
            started = lambda: app.mcp is not None and bool(app.mcp.tool_names.get("notes"))  # noqa: E731
            await wait_until(pilot, started, timeout=60)
    finally:
        rig.close(app)
