"""The tool-call inspector: rows through a call's lifecycle, the selected call's details, many calls."""

from __future__ import annotations

import io
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static

from flux_tui.core.agent_events import (
    AgentEvent,
    Notice,
    TextDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
    UsageReported,
)
from flux_tui.ui.widgets.tool_inspector import ToolInspector

DIFF = """\
--- a/app.py
+++ b/app.py
@@ -1,3 +1,3 @@
 import os
-print("hello")
+print("hello, world")
 x = 1
"""


class InspectorHost(App[None]):
    def __init__(self, events: list[AgentEvent] | None = None) -> None:
        super().__init__()
        self.selections: list[str | None] = []
        self._initial = events or []

    def compose(self) -> ComposeResult:
        inspector = ToolInspector(id="inspector")
        for event in self._initial:
            inspector.apply(event)  # before mounting: as a replay wired up early would
        yield inspector

    def on_tool_inspector_selected(self, message: ToolInspector.Selected) -> None:
        self.selections.append(message.call_id)


def _text(widget: Static) -> str:
    content = widget.content
    if isinstance(content, str | Content):
        return str(content)
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()


def _cell(table: DataTable[Any], row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return value.plain if isinstance(value, Text) else str(value)


def _detail(inspector: ToolInspector) -> dict[str, str]:
    """Visible sections of the detail pane, by name."""
    shown = {}
    for name in ("header", "args", "result", "diff"):
        widget = inspector.query_one(f"#detail-{name}", Static)
        if widget.display:
            shown[name] = _text(widget)
    return shown


def _edit_call(call_id: str = "c2") -> list[AgentEvent]:
    return [
        ToolCallProposed(
            call_id=call_id,
            name="edit_file",
            input={"path": "app.py", "old_string": 'print("hello")', "new_string": 'print("hello, world")'},
            preview=DIFF,
        ),
        ToolCallDecided(call_id=call_id, decision="approved"),
        ToolCallRunning(call_id=call_id),
        ToolCallFinished(call_id=call_id, status="done", result="Edited app.py", duration=0.25, diff=DIFF),
    ]


async def test_rows_follow_the_lifecycle_of_a_call() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        table = inspector.query_one(DataTable)
        inspector.apply(ToolCallProposed(call_id="c1", name="read_file", input={"path": "src/main.py"}))
        await pilot.pause()
        assert [_cell(table, "c1", c) for c in ("n", "name", "target", "status")] == [
            "1",
            "read_file",
            "src/main.py",
            "pending",
        ]
        inspector.apply(ToolCallDecided(call_id="c1", decision="auto"))
        inspector.apply(ToolCallRunning(call_id="c1"))
        await pilot.pause()
        assert _cell(table, "c1", "status") == "running"
        assert inspector.record("c1").decision == "auto"  # type: ignore[union-attr]
        inspector.apply(ToolCallFinished(call_id="c1", status="done", result="1\tprint()", duration=1.5))
        await pilot.pause()
        assert _cell(table, "c1", "status") == "done"
        assert _cell(table, "c1", "time") == "1.5s"
        # Status cells are coloured by status.
        assert "green" in str(table.get_cell("c1", "status").style)


async def test_every_final_status_is_shown() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        table = inspector.query_one(DataTable)
        for status in ("done", "failed", "denied", "cancelled", "interrupted"):
            inspector.apply(ToolCallProposed(call_id=status, name="run_command", input={"command": "ls"}))
            inspector.apply(ToolCallFinished(call_id=status, status=status, result="r"))  # type: ignore[arg-type]
        await pilot.pause()
        statuses = ("done", "failed", "denied", "cancelled", "interrupted")
        assert [_cell(table, s, "status") for s in statuses] == list(statuses)
        assert _cell(table, "failed", "target") == "ls"


async def test_detail_shows_pretty_args_decision_result_and_applied_diff() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 50)) as pilot:
        inspector = app.query_one(ToolInspector)
        for event in _edit_call():
            inspector.apply(event)
        await pilot.pause()
        assert inspector.selected_call_id == "c2"
        detail = _detail(inspector)
        assert "edit_file" in detail["header"]
        assert "approved once" in detail["header"]
        # Pretty JSON: one key per line, indented.
        assert '  "path": "app.py",' in detail["args"]
        assert '  "new_string": "print(\\"hello, world\\")"' in detail["args"]
        assert "Edited app.py" in detail["result"]
        assert '-print("hello")' in detail["diff"]
        assert '+print("hello, world")' in detail["diff"]
        assert _text(inspector.query_one("#title-diff", Static)) == "Diff applied"


async def test_pending_call_shows_the_proposed_change_and_waits_for_approval() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 50)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(_edit_call()[0])
        await pilot.pause()
        detail = _detail(inspector)
        assert "waiting" in detail["header"]
        assert "result" not in detail
        assert '+print("hello, world")' in detail["diff"]
        assert _text(inspector.query_one("#title-diff", Static)) == "Proposed change"


async def test_denial_shows_decision_reason_and_status() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(ToolCallProposed(call_id="c1", name="run_command", input={"command": "rm -rf build"}))
        inspector.apply(ToolCallDecided(call_id="c1", decision="denied", reason="too risky"))
        await pilot.pause()
        assert _cell(inspector.query_one(DataTable), "c1", "status") == "denied"
        header = _detail(inspector)["header"]
        assert "denied by the user" in header
        assert "too risky" in header


async def test_failed_call_shows_its_error_and_malformed_args_are_explained() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(
            ToolCallProposed(call_id="c1", name="edit_file", input={}, input_error="Expecting ',' at char 12")
        )
        inspector.apply(ToolCallFinished(call_id="c1", status="failed", result="old_string not found"))
        await pilot.pause()
        detail = _detail(inspector)
        assert "Malformed arguments: Expecting ',' at char 12" in detail["args"]
        assert "old_string not found" in detail["result"]
        assert inspector.query_one("#detail-result").has_class("error")


async def test_keyboard_selection_changes_the_detail_and_posts_selected() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 50)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(ToolCallProposed(call_id="c1", name="read_file", input={"path": "README.md"}))
        inspector.apply(ToolCallFinished(call_id="c1", status="done", result="# Title", duration=0.01))
        for event in _edit_call():
            inspector.apply(event)
        await pilot.pause()
        inspector.query_one(DataTable).focus()
        await pilot.press("up")
        await pilot.pause()
        assert inspector.selected_call_id == "c1"
        detail = _detail(inspector)
        assert "read_file" in detail["header"]
        assert "README.md" in detail["args"]
        assert "# Title" in detail["result"]
        assert "diff" not in detail
        await pilot.press("down")
        await pilot.pause()
        assert inspector.selected_call_id == "c2"
        assert app.selections[-2:] == ["c1", "c2"]


async def test_other_events_are_ignored() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        for event in (
            TextDelta(text="hi"),
            Notice(text="retrying"),
            UsageReported(provider="anthropic", model="m", input_tokens=3),
        ):
            inspector.apply(event)
        await pilot.pause()
        assert inspector.records == []
        assert inspector.query_one(DataTable).row_count == 0
        assert "No tool calls yet" in _detail(inspector)["header"]


async def test_many_calls_update_rows_in_place_and_follow_the_newest() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        table = inspector.query_one(DataTable)
        for i in range(300):
            inspector.apply(ToolCallProposed(call_id=f"c{i}", name="read_file", input={"path": f"f{i}.py"}))
            inspector.apply(ToolCallRunning(call_id=f"c{i}"))
        await pilot.pause()
        assert table.row_count == 300
        assert inspector.selected_call_id == "c299"
        # Finish them out of order: each event touches its own row only.
        for i in reversed(range(300)):
            inspector.apply(ToolCallFinished(call_id=f"c{i}", status="done", result=str(i), duration=i / 100))
        await pilot.pause()
        assert table.row_count == 300
        assert _cell(table, "c150", "status") == "done"
        assert _cell(table, "c150", "time") == "1.5s"
        assert _cell(table, "c7", "target") == "f7.py"
        assert "299" in _detail(inspector)["result"]

        # Once the user moves up, new calls are added without stealing the cursor.
        table.focus()
        await pilot.press("up", "up")
        await pilot.pause()
        assert inspector.selected_call_id == "c297"
        inspector.apply(ToolCallProposed(call_id="new", name="list_files", input={}))
        await pilot.pause()
        assert table.row_count == 301
        assert inspector.selected_call_id == "c297"


async def test_load_replaces_and_clear_empties() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(ToolCallProposed(call_id="old", name="read_file", input={"path": "x"}))
        inspector.load(
            [
                ToolCallProposed(call_id="r1", name="list_files", input={"path": "."}),
                TextDelta(text="ignored"),
                ToolCallFinished(call_id="r1", status="done", result="a\nb", duration=0.1),
                *_edit_call("r2"),
            ]
        )
        await pilot.pause()
        table = inspector.query_one(DataTable)
        assert [r.call_id for r in inspector.records] == ["r1", "r2"]
        assert table.row_count == 2
        assert _cell(table, "r2", "status") == "done"
        assert inspector.selected_call_id == "r2"
        assert "Edited app.py" in _detail(inspector)["result"]

        inspector.clear()
        await pilot.pause()
        assert inspector.records == []
        assert table.row_count == 0
        assert "No tool calls yet" in _detail(inspector)["header"]


async def test_events_applied_before_mount_are_shown() -> None:
    app = InspectorHost(_edit_call("early"))
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.pause()
        inspector = app.query_one(ToolInspector)
        table = inspector.query_one(DataTable)
        assert table.row_count == 1
        assert _cell(table, "early", "status") == "done"
        assert inspector.selected_call_id == "early"
        assert "Edited app.py" in _detail(inspector)["result"]


async def test_an_event_for_an_unknown_call_still_gets_a_row() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(ToolCallFinished(call_id="orphan", status="cancelled", result="cancelled by user"))
        await pilot.pause()
        assert _cell(inspector.query_one(DataTable), "orphan", "status") == "cancelled"


def test_snapshot_inspector_with_an_applied_edit(snap_compare: Any) -> None:
    events: list[AgentEvent] = [
        ToolCallProposed(call_id="c1", name="read_file", input={"path": "app.py"}),
        ToolCallDecided(call_id="c1", decision="auto"),
        ToolCallFinished(call_id="c1", status="done", result="1\timport os", duration=0.004),
        ToolCallProposed(call_id="c3", name="run_command", input={"command": "rm -rf /"}),
        ToolCallDecided(call_id="c3", decision="policy_deny", reason="run_command = deny"),
        ToolCallFinished(call_id="c3", status="denied", result="denied by policy"),
        *_edit_call("c2"),
    ]
    assert snap_compare(InspectorHost(events), terminal_size=(80, 36))


async def test_api_keys_never_show_in_the_inspector() -> None:
    key = "sk-ant-api03-" + "A1b2C3d4" * 5
    app = InspectorHost()
    async with app.run_test(size=(90, 50)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.redactor.add_secrets(["plain-configured-secret"])
        inspector.apply(
            ToolCallProposed(
                call_id="c1",
                name="run_command",
                input={"command": f"curl -H 'x-api-key: {key}' https://api.example"},
                preview=f"$ curl -H 'x-api-key: {key}' https://api.example\ncwd: /w",
            )
        )
        inspector.apply(ToolCallDecided(call_id="c1", decision="denied", reason="plain-configured-secret"))
        inspector.apply(ToolCallFinished(call_id="c1", status="denied", result=f"would send {key}"))
        await pilot.pause()
        shown = "\n".join(_detail(inspector).values()) + _cell(inspector.query_one(DataTable), "c1", "target")
        assert key not in shown
        assert "plain-configured-secret" not in shown
        assert "[REDACTED]" in shown
