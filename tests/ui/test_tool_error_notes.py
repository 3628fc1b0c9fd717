"""A failed tool call's error, after its line in the chat, is cut after a whole word with an ellipsis;
/history's one-line summaries too (``format.clip``)."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE

from flux_tui.core.agent_events import ToolCallFinished, ToolCallProposed, TurnStarted
from flux_tui.ui.format import clip
from flux_tui.ui.widgets.chat_items import ToolCallLine

LONG_ERROR = (
    "Permission denied while opening the configuration directory of the workspace for writing: "
    "check the owner of the folder and try again"
)


def test_clip_cuts_after_a_whole_word() -> None:
    assert clip("short enough", 20) == "short enough"
    clipped = clip(LONG_ERROR, 80)
    assert len(clipped) <= 80 and clipped.endswith("…")
    assert LONG_ERROR.startswith(clipped[:-1])
    assert LONG_ERROR[len(clipped) - 1] in " :"  # the cut falls between words
    assert clip("x" * 100, 10) == "x" * 9 + "…"  # one huge word: cut inside it, still marked


async def _failed_call(make_app: Any, result: str) -> str:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for event in (
            TurnStarted(turn_id="t1", prompt="go", provider="anthropic", model="m"),
            ToolCallProposed(call_id="c1", name="write_file", input={"path": "a.txt"}),
            ToolCallFinished(call_id="c1", status="failed", result=result),
        ):
            app.conversation.chat.apply(event)
        await pilot.pause()
        line = app.conversation.chat.query_one(ToolCallLine)
        return str(line.content)


async def test_a_long_tool_error_is_cut_at_a_word_with_an_ellipsis(make_app: Any) -> None:
    shown = await _failed_call(make_app, LONG_ERROR)
    note = shown.partition(" — ")[2]
    assert note.endswith("…"), shown
    assert LONG_ERROR.startswith(note[:-1])
    assert LONG_ERROR[len(note) - 1] in " :", note  # not in the middle of a word


async def test_a_tool_error_of_several_lines_says_there_is_more(make_app: Any) -> None:
    shown = await _failed_call(make_app, "Command failed (exit 2)\nTraceback (most recent call last):\n...")
    assert shown.endswith("Command failed (exit 2) …"), shown
