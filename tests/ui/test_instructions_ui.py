"""``/init`` writes AGENTS.md through the model (approved like any write); ``/stats`` lists the instruction
files and their tokens; the next request's system prompt holds the new file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from key_guard_support import wait_out_key_guard
from ui_pilot import SIZE, finish_turn, run_command, send, wait_until

from flux_tui.core.instructions import INIT_PROMPT
from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.widgets.chat_items import NoticeLine
from flux_tui.ui.widgets.info_panel import InfoPanel


def _system(fake_api: Any) -> str:
    return json.dumps(fake_api.last_request("/v1/messages").body.get("system"))


async def test_init_writes_agents_md_with_approval_and_the_next_turn_reads_it(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    content = "# Project\n\nTest with `pytest -q`.\n"
    fake_api.queue_anthropic_tool_use([("toolu_w", "write_file", {"path": "AGENTS.md", "content": content})])
    fake_api.queue_anthropic_text("Wrote AGENTS.md.")
    fake_api.queue_anthropic_text("Sure.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/stats")
        assert "Instructions" not in app.conversation.chat.query(InfoPanel).filter(".stats").last().source
        await run_command(pilot, app, "/init")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        first = fake_api.requests_to("/v1/messages")[0].body
        assert INIT_PROMPT in json.dumps(first["messages"])
        assert "Test with" not in json.dumps(first.get("system"))
        await wait_out_key_guard(app.screen)
        await pilot.press("y")
        await finish_turn(pilot, app)
        assert (sandbox / "AGENTS.md").read_text() == content
        await send(pilot, app, "how do I test?")
        await finish_turn(pilot, app)
        assert "Test with `pytest -q`." in _system(fake_api)
        await run_command(pilot, app, "/stats")
        stats = app.conversation.chat.query(InfoPanel).filter(".stats").last()
        assert "AGENTS.md" in stats.source and "| project |" in stats.source
        await run_command(pilot, app, "/init")
        assert "already exists" in app.conversation.chat.query(NoticeLine).last().text
