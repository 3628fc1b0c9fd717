"""``@path`` in the app (Tab completes it, the file reaches the model, the chat names it) and ``!command``
(runs without a model call, its output joins the next prompt)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.ui.widgets.chat_items import UserPrompt
from flux_tui.ui.widgets.info_panel import InfoPanel


def _last_user_message(fake_api: Any) -> str:
    return json.dumps(fake_api.last_request("/v1/messages").body["messages"][-1])


async def test_tab_completes_a_mention_and_the_file_is_sent(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    (sandbox / "notes.txt").write_text("alpha beta\n")
    fake_api.queue_anthropic_text("It says alpha beta.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "summarise @no")
        await pilot.press("tab")
        assert app.conversation.prompt_input.text == "summarise @notes.txt"
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"))
        await finish_turn(pilot, app)
        sent = _last_user_message(fake_api)
        assert "summarise @notes.txt" in sent and "alpha beta" in sent
        shown = str(app.conversation.chat.query(UserPrompt).last().render())
        assert "📎 notes.txt" in shown and "alpha beta" not in shown


async def test_bang_runs_a_command_and_its_output_joins_the_next_prompt(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    fake_api.queue_anthropic_text("The echo printed hello.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "!echo hello-from-shell")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel).filter(".shell"))
        panel = app.conversation.chat.query(InfoPanel).filter(".shell").last()
        assert "$ echo hello-from-shell" in panel.source and "[exit code 0]" in panel.source
        assert not fake_api.requests_to("/v1/messages")  # no model call
        await type_text(pilot, app, "what did it print?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"))
        await finish_turn(pilot, app)
        sent = _last_user_message(fake_api)
        assert "hello-from-shell" in sent and "echo hello-from-shell" in sent
        assert app.pending_shell == []
