"""``!command`` output is plain text (no escape codes) in the chat and for the model, and the model
reads the exact command line that ran (quotes kept)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import ShellOutput, expand_mentions, split_context
from flux_tui.ui.widgets.chat_items import UserPrompt
from flux_tui.ui.widgets.info_panel import InfoPanel


async def test_colour_codes_are_stripped_and_quotes_kept(make_app: Any, fake_api: Any, sandbox: Path) -> None:
    fake_api.queue_anthropic_text("It printed RED.")
    command = 'printf "\\033[31mRED\\033[0m\\n"'
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "!" + command)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".shell"))
        panel = app.conversation.chat.query(InfoPanel).filter(".shell").last()
        assert "\x1b" not in panel.source and "\nRED\n[exit code 0]" in panel.source
        await type_text(pilot, app, "what colour?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"))
        await finish_turn(pilot, app)
        text = json.dumps(fake_api.last_request("/v1/messages").body["messages"][-1])
        assert "\\u001b" not in text and "\\nRED\\n[exit code 0]" in text
        assert "printf &quot;\\\\033[31mRED" in text  # the exact command, its quotes escaped as XML
        shown = str(app.conversation.chat.query(UserPrompt).last().render())
        assert f"📎 !{command}" in shown


def test_the_command_line_round_trips_through_the_context_block(tmp_path: Path) -> None:
    command = """grep -n "a & b" 'x y' <in"""
    out = expand_mentions("why?", Workspace(tmp_path), shell=[ShellOutput(command, "1:a & b")])
    assert '<command line="grep -n &quot;a &amp; b&quot; &#x27;x y&#x27; &lt;in">' in out.text
    assert split_context(out.text) == ("why?", ["!" + command])
