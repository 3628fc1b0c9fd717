"""A running ``!command`` shows in the chat at once, Esc stops it (its processes killed), and a prompt
sent while it runs is kept in the editor rather than sent without the output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine
from flux_tui.ui.widgets.info_panel import InfoPanel


async def test_a_running_command_shows_and_esc_stops_it(make_app: Any, fake_api: Any, sandbox: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "!sleep 30 && touch late-file")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".shell-running"))
        panel = app.conversation.chat.query(InfoPanel).filter(".shell-running").last()
        assert "$ sleep 30 && touch late-file" in panel.source and "Esc stops it" in panel.source
        await pilot.press("escape")
        await wait_until(pilot, lambda: panel.has_class("shell"), timeout=5)
        assert "Stopped" in panel.source
        assert app.pending_shell == []
        assert not (sandbox / "late-file").exists()


async def test_a_prompt_sent_while_a_command_runs_is_kept(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    fake_api.queue_anthropic_text("It printed done.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "!sleep 1; echo done-sleeping")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".shell-running"))
        await type_text(pilot, app, "what did it print?")
        await pilot.press("enter")
        await pilot.pause()
        assert app.conversation.prompt_input.text == "what did it print?"  # kept, not sent
        assert not fake_api.requests_to("/v1/messages")
        notices = [str(n.render()) for n in app.conversation.chat.query(NoticeLine)]
        assert any("still running" in n for n in notices)
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".shell"), timeout=10)
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"))
        await finish_turn(pilot, app)
        sent = json.dumps(fake_api.last_request("/v1/messages").body["messages"][-1])
        assert "done-sleeping" in sent


async def test_a_stopped_command_says_its_own_output_is_dropped(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    # An earlier command's output still goes with the next prompt: the stopped one says what it drops.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "!echo first-output")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.pending_shell)
        await type_text(pilot, app, "!sleep 30")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".shell-running"))
        panel = app.conversation.chat.query(InfoPanel).filter(".shell-running").last()
        await pilot.press("escape")
        await wait_until(pilot, lambda: panel.has_class("shell"), timeout=5)
        assert "Stopped with Esc: its output does not go with your next prompt." in panel.source
        assert [shell.command for shell in app.pending_shell] == ["echo first-output"]
