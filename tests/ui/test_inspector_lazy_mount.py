"""The tool inspector opens closed, and its table and details are not in the first frame: they are
mounted when it first has a call to show or is opened (ctrl+t), and then show every call so far."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable
from ui_pilot import SIZE

from flux_tui.core.agent_events import ToolCallFinished, ToolCallProposed


async def test_a_closed_inspector_mounts_no_table_until_it_has_a_call(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inspector = app.conversation.inspector
        assert not inspector.display
        assert not inspector.children and not app.query(DataTable)
        app.conversation.show(ToolCallProposed(call_id="c1", name="read_file", input={"path": "a.txt"}))
        app.conversation.show(ToolCallFinished(call_id="c1", status="done", result="text", duration=1))
        await pilot.pause()
        table = inspector.query_one("#tool-calls", DataTable)
        assert table.row_count == 1 and inspector.selected_call_id == "c1"
        assert not inspector.display  # still closed


async def test_ctrl_t_mounts_the_table_with_the_calls_recorded_so_far(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inspector = app.conversation.inspector
        assert not inspector.children
        await pilot.press("ctrl+t")
        table = inspector.query_one("#tool-calls", DataTable)
        assert inspector.display and app.focused is table and table.row_count == 0
        await pilot.press("ctrl+t")
        inspector.apply(ToolCallProposed(call_id="c1", name="read_file", input={"path": "a.txt"}))
        await pilot.pause()
        assert table.row_count == 1
