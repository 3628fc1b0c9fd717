"""Every tool call of the session: a table (name, target, status, duration) and the selected call's details.

Fed with the agent's ``ToolCall*`` events through :meth:`ToolInspector.apply`, live or replayed alike.
Rows are updated in place (``DataTable.update_cell``) so hundreds of calls stay cheap; the detail pane is
only re-rendered when the selected call changes or an event for it arrives.

Keys, once the app focuses the table (``focus_calls``): Up/Down pick a call, Enter moves into its details
(arrows scroll them), Esc goes back out (details -> table -> ``prompt``). A printable key typed here is
meant for the prompt: it moves the focus there and is inserted, not lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
)
from flux_tui.core.redact import Redactor
from flux_tui.ui.theme_colors import code_theme
from flux_tui.ui.widgets.tool_call_record import (
    ToolCallRecord,
    args_renderable,
    call_header,
    preview_renderable,
    result_renderable,
    status_text,
    time_cell,
)
from flux_tui.ui.widgets.typing_forward import TypesIntoPrompt

if TYPE_CHECKING:
    from flux_tui.core.attribution import Attribution


class ToolInspector(TypesIntoPrompt, Widget, can_focus=False):
    """Table of the session's tool calls plus the selected call's arguments, decision, result and diff."""

    ENTER_SENDS = False  # Enter is the table's: it opens the call

    DEFAULT_CSS = """
    ToolInspector {
        layout: vertical;
        height: 1fr;
        min-width: 30;
    }
    ToolInspector > DataTable {
        height: 1fr;
        min-height: 4;
        max-height: 45%;
    }
    ToolInspector > #tool-detail {
        height: 2fr;
        border-top: solid $primary-darken-2;
        padding: 0 1;
    }
    ToolInspector #tool-detail > Static {
        width: 1fr;
        height: auto;
    }
    ToolInspector .section-title {
        text-style: bold;
        color: $text-muted;
        margin-top: 1;
    }
    ToolInspector .hidden {
        display: none;
    }
    ToolInspector #detail-result.error {
        color: $error;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back to the prompt", show=False)]

    class Selected(Message):
        """The highlighted call changed (``call_id`` is None when the table was cleared)."""

        def __init__(self, inspector: ToolInspector, call_id: str | None) -> None:
            super().__init__()
            self.inspector = inspector
            self.call_id = call_id

        @property
        def control(self) -> ToolInspector:
            return self.inspector

    def __init__(
        self,
        *,
        redactor: Redactor | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``redactor``: hides API keys in what is shown (arguments, results, diffs). The default knows
        the usual key shapes; pass one that also knows the configured keys, or set ``self.redactor``."""
        super().__init__(name=name, id=id, classes=classes)
        self.redactor = redactor if redactor is not None else Redactor()
        self._records: dict[str, ToolCallRecord] = {}
        self._selected: str | None = None
        self._table: DataTable[Any] | None = None  # set up once mounted; events are recorded until then
        self._built = False
        self._setting_up: AwaitComplete | None = None  # the table mounted by ``build``, set up
        self._loading = False
        self._attribution: Attribution | None = None  # made with the first event (``attribution``)

    # ------------------------------------------------------------------ composition

    def compose(self) -> ComposeResult:
        # Shown from the start, it is composed as any widget; hidden (the app's, closed until ctrl+t),
        # its table and details wait for ``build``: in the first frame they would be 9 of the
        # screen's 54 widgets to compose, style and lay out, none of them shown.
        if self.display:
            yield from self._parts()

    @staticmethod
    def _parts() -> list[Widget]:
        from flux_tui.ui.widgets.tool_inspector_parts import inspector_parts

        return inspector_parts()

    def on_mount(self) -> None:
        if self.children:
            self._built = True
            self._set_up()
        elif self._records:  # events applied before mounting (a replay loaded early)
            self.build()

    def on_show(self) -> None:  # opened before any call: the table's header and "No tool calls yet."
        self.build()
        self._show_detail()  # what the selected call cost has grown while the inspector was closed

    def build(self) -> None:
        """Mount the table and the details, once: when the inspector first has a call to show or is
        shown (not before it is mounted itself: ``on_mount`` builds it then)."""
        if self._built or not self.is_mounted:
            return
        self._built = True
        mounting = self.mount_all(self._parts())

        async def set_up() -> None:
            await mounting
            self._set_up()

        self._setting_up = AwaitComplete(set_up())

    def _set_up(self) -> None:
        table = self.query_one("#tool-calls", DataTable)
        table.add_column("#", key="n", width=3)
        table.add_column("Tool", key="name")
        table.add_column("Target", key="target")
        table.add_column("Status", key="status", width=11)
        table.add_column("Time", key="time", width=7)
        self._table = table
        for record in self._records.values():
            self._add_row(record)
        if self._records:
            self._select(list(self._records)[-1])
            table.move_cursor(row=table.row_count - 1, animate=False)
        self._show_detail()

    # ------------------------------------------------------------------ public API

    @property
    def attribution(self) -> Attribution:
        """What each call cost (core.attribution); made, and imported, with the first event, not before."""
        if self._attribution is None:
            from flux_tui.core.attribution import Attribution

            self._attribution = Attribution()
        return self._attribution

    @property
    def records(self) -> list[ToolCallRecord]:
        """Calls in the order they were proposed."""
        return list(self._records.values())

    @property
    def selected_call_id(self) -> str | None:
        return self._selected

    @property
    def has_calls(self) -> bool:
        return bool(self._records)

    def record(self, call_id: str) -> ToolCallRecord | None:
        return self._records.get(call_id)

    def apply(self, event: AgentEvent) -> None:
        """Fold one agent event in; anything but a ``ToolCall*`` event or a clear is ignored."""
        paid = self.attribution.apply(event)
        if isinstance(event, HistoryCleared):
            # The calls left the conversation, and the list; what they and their turns cost stays in
            # the session's figures (/stats), as the usage does.
            self._clear_calls()
            return
        if paid and self._selected is not None and not self._loading and self.display:
            self._show_detail()  # the selected result may have cost more since (closed: when it opens)
        if isinstance(event, ToolCallProposed):
            self._on_proposed(event)
            return
        if not isinstance(event, ToolCallDecided | ToolCallRunning | ToolCallFinished):
            return
        record = self._records.get(event.call_id)
        if record is None:
            # A replay that starts mid-call, or an event for a call we never saw: keep it visible anyway.
            record = self._on_proposed(ToolCallProposed(call_id=event.call_id, name="?", input={}))
        if isinstance(event, ToolCallDecided):
            record.decision = event.decision
            record.reason = event.reason
            record.by_user = event.by_user
            if event.decision in ("denied", "policy_deny"):
                record.status = "denied"
        elif isinstance(event, ToolCallRunning):
            record.status = "running"
        else:
            record.status = event.status
            record.result = event.result
            record.duration = event.duration
            record.diff = event.diff
        self._refresh_row(record)
        if record.call_id == self._selected and not self._loading:
            self._show_detail()

    def clear(self) -> None:
        self._attribution = None
        self._clear_calls()

    def _clear_calls(self) -> None:
        self._records.clear()
        self._selected = None
        if self._table is not None:
            self._table.clear()
            self._show_detail()
            self.post_message(self.Selected(self, None))

    def load(self, events: Iterable[AgentEvent]) -> None:
        """Replace the content with the calls found in ``events`` (a replayed or resumed session)."""
        self.clear()
        self._loading = True
        try:
            for event in events:
                self.apply(event)
        finally:
            self._loading = False
        self._show_detail()
        if self._selected is not None:
            self.post_message(self.Selected(self, self._selected))

    async def focus_calls(self) -> None:
        """Give the keyboard to the table of calls (ctrl+t opening the inspector)."""
        self.build()
        if self._setting_up is not None:
            await self._setting_up
        self.query_one("#tool-calls", DataTable).focus()

    async def action_leave(self) -> None:
        """Esc: from the details back to the table, from the table back to the prompt."""
        detail = self.query_one("#tool-detail", VerticalScroll)
        if detail.has_focus:
            await self.focus_calls()
        elif self.prompt is not None and not self.prompt.disabled:
            self.prompt.focus()
        else:
            raise SkipAction()  # no prompt to go back to (a replay): Esc means what it means elsewhere

    @on(DataTable.RowSelected, "#tool-calls")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.query_one("#tool-detail", VerticalScroll).focus()  # Enter: read (and scroll) the details

    def select(self, call_id: str) -> None:
        """Highlight a call by id (as if the user had moved the cursor to it)."""
        if self._table is None or call_id not in self._records:
            return
        self._table.move_cursor(row=self._table.get_row_index(call_id))

    # ------------------------------------------------------------------ internals

    def _on_proposed(self, event: ToolCallProposed) -> ToolCallRecord:
        existing = self._records.get(event.call_id)
        if existing is not None:
            # A duplicate proposal (replay of a resumed turn) refreshes the arguments, never adds a row.
            existing.name, existing.input = event.name, dict(event.input)
            existing.input_error, existing.preview = event.input_error, event.preview
            self._refresh_row(existing)
            if existing.call_id == self._selected and not self._loading:
                self._show_detail()
            return existing
        record = ToolCallRecord(
            call_id=event.call_id,
            name=event.name,
            index=len(self._records) + 1,
            input=dict(event.input),
            input_error=event.input_error,
            preview=event.preview,
        )
        self._records[event.call_id] = record
        if self._table is None:
            self.build()  # its set-up adds the row
        else:
            table = self._table
            # Follow new calls while the cursor sits on the newest one; stay put if the user moved up.
            follow = table.row_count == 0 or table.cursor_row >= table.row_count - 1
            self._add_row(record)
            if follow:
                # Moving onto row 0 of an empty table posts no RowHighlighted, so select explicitly.
                self._select(record.call_id)
                table.move_cursor(row=table.row_count - 1, animate=False)
        return record

    def _add_row(self, record: ToolCallRecord) -> None:
        assert self._table is not None
        # Cells as Text: a plain str cell is read as Rich markup, and names and arguments come from the model.
        self._table.add_row(
            str(record.index),
            Text(record.name),
            Text(self.redactor.redact_text(record.target)),
            status_text(record.status),
            time_cell(record),
            key=record.call_id,
        )

    def _refresh_row(self, record: ToolCallRecord) -> None:
        if self._table is None:
            return
        key = record.call_id
        self._table.update_cell(key, "name", Text(record.name))
        self._table.update_cell(key, "target", Text(self.redactor.redact_text(record.target)))
        self._table.update_cell(key, "status", status_text(record.status))
        self._table.update_cell(key, "time", time_cell(record))

    @on(DataTable.RowHighlighted, "#tool-calls")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._select(event.row_key.value)

    def _select(self, call_id: str) -> None:
        if call_id == self._selected:
            return
        self._selected = call_id
        if not self._loading:
            self._show_detail()
            self.post_message(self.Selected(self, call_id))

    def _show_detail(self) -> None:
        if self._table is None:
            return
        record = self._records.get(self._selected) if self._selected else None
        header = self.query_one("#detail-header", Static)
        if record is None:
            header.update("No tool calls yet." if not self._records else "Select a call.")
            for name in ("args", "result", "diff"):
                self._set_section(name, None)
            return
        redact, theme = self.redactor.redact_text, code_theme(self.app)
        header.update(call_header(record, cost=self.attribution.cost_line(record.call_id), redact=redact))
        self._set_section("args", args_renderable(record, self.redactor, theme))
        self._set_section("result", result_renderable(record, redact), error=record.status == "failed")
        diff = record.diff or record.preview
        title = "Diff applied" if record.diff else "Proposed change"
        if diff and not record.diff and record.name == "run_command":
            title = "Command"
        preview = preview_renderable(diff, record.diff is not None, redact, theme)
        self._set_section("diff", preview, title=title)

    restyle = _show_detail  # the theme changed: the diff and JSON shown take its colours

    def _set_section(
        self, name: str, content: RenderableType | None, *, title: str | None = None, error: bool = False
    ) -> None:
        body = self.query_one(f"#detail-{name}", Static)
        heading = self.query_one(f"#title-{name}", Static)
        body.set_class(content is None, "hidden")
        heading.set_class(content is None, "hidden")
        body.set_class(error, "error")
        if title is not None:
            heading.update(title)
        body.update("" if content is None else content)
