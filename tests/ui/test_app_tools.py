"""Tool calls through the app: the approval dialog decides, the chat and the inspector show the call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from key_guard_support import wait_out_key_guard
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.widgets.chat_items import ToolCallLine


async def test_read_file_runs_and_shows_in_chat_and_inspector(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    (sandbox / "notes.txt").write_text("alpha\nbeta\n")
    fake_api.queue_anthropic_tool_use([("toolu_1", "read_file", {"path": "notes.txt"})], text="Let me look.")
    fake_api.queue_anthropic_text("It says alpha and beta.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "what is in notes.txt?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(fake_api.requests_to("/v1/messages")) == 2)
        await finish_turn(pilot, app)
        answer = app.conversation.chat.answers[-1]
        await answer.settle()
        line = answer.query_one(ToolCallLine)
        assert (line.tool_name, line.status) == ("read_file", "done")
        assert "It says alpha and beta." in answer.text and "Let me look." in answer.text
        record = app.conversation.inspector.record("toolu_1")
        assert record is not None and record.status == "done"
        # The result went back to the model with the matching id.
        messages = fake_api.last_request("/v1/messages").body["messages"]
        result = messages[-1]["content"][0]
        assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_1"
        assert "alpha" in str(result["content"])


async def test_edit_approved_in_the_dialog_changes_the_file(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    target = sandbox / "app.py"
    target.write_text("print('hello')\n")
    fake_api.queue_anthropic_tool_use([("toolu_r", "read_file", {"path": "app.py"})])
    edit = {"path": "app.py", "old_string": "hello", "new_string": "hello, world"}
    fake_api.queue_anthropic_tool_use([("toolu_e", "edit_file", edit)])
    fake_api.queue_anthropic_text("Done.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "greet the world")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await wait_out_key_guard(app.screen)
        await pilot.press("y")
        await finish_turn(pilot, app)
        assert target.read_text() == "print('hello, world')\n"
        line = next(line for line in app.conversation.chat.query(ToolCallLine) if line.call_id == "toolu_e")
        assert line.status == "done"
        assert app.conversation.chat.answers[-1].state == "done"


async def test_edit_denied_leaves_the_file_and_tells_the_model(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    target = sandbox / "app.py"
    target.write_text("x = 1\n")
    fake_api.queue_anthropic_tool_use([("toolu_w", "write_file", {"path": "app.py", "content": "x = 2\n"})])
    fake_api.queue_anthropic_text("OK, leaving it.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "set x to 2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await wait_out_key_guard(app.screen)
        await pilot.press("escape")  # in the dialog: deny
        await finish_turn(pilot, app)
        assert target.read_text() == "x = 1\n"
        line = next(iter(app.conversation.chat.query(ToolCallLine)))
        assert line.status == "denied"
        result = fake_api.last_request("/v1/messages").body["messages"][-1]["content"][0]
        assert result["tool_use_id"] == "toolu_w" and result.get("is_error") is True


async def test_escape_behind_the_dialog_is_not_needed_to_cancel(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    """Cancelling the turn while the dialog is open takes the dialog away and closes the call."""
    fake_api.queue_anthropic_tool_use([("toolu_c", "run_command", {"command": "echo hi"})])
    fake_api.queue_anthropic_text("next")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "run it")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        app.action_cancel_turn()
        await finish_turn(pilot, app)
        assert not isinstance(app.screen, ApprovalScreen)
        assert app.conversation.chat.answers[-1].state == "cancelled"
        assert app.transcript.pending_tool_calls() == []
