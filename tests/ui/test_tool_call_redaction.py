"""What the chat shows of a tool call's arguments hides API keys as the inspector and the stored session do:
the configured keys by value and the usual key shapes, also in a replayed or resumed conversation."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, send, wait_until

from flux_tui.ui.widgets.chat_items import ToolCallLine

SHAPED = "sk-ant-api03-" + "A" * 40
CONFIGURED = "test-anthropic-key"  # the make_app fixture's key: no usual shape


async def test_the_chat_hides_keys_in_tool_call_arguments(make_app: Any, fake_api: Any) -> None:
    arguments = {"path": f"notes/{SHAPED}.txt", "pattern": f"key {CONFIGURED} here"}
    fake_api.queue_anthropic_tool_use([("toolu_1", "search_files", arguments)], text="Looking.")
    fake_api.queue_anthropic_text("Nothing there.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "find it")
        await wait_until(pilot, lambda: app.conversation.chat.query(ToolCallLine))
        line = app.conversation.chat.query_one(ToolCallLine)
        shown = f"{line.summary} {line.note}"
        # Not even a cut piece of either: the line shortens long arguments.
        assert SHAPED[:16] not in shown and CONFIGURED[:12] not in shown
        assert "redacted" in shown
