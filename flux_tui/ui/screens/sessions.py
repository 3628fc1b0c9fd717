"""The sessions screen (ctrl+o, ``/sessions``, the palette): browse, search, open, replay, fork, rename,
export and delete saved sessions. What is typed in it goes to the search box; the actions' keys are in
``session_keys``.

Everything that reads or writes the store runs in a worker off the UI thread; the store work itself
lives in the session service, and opening, forking and replaying in ``SessionActions`` (shared with the
command line and the replay): this screen only asks.

Titles, model names, search text, paths and error messages are shown literally (``Text``, ``Content``,
``notify(..., markup=False)``): Textual would read a plain str as markup, and ``[/]`` in a title crashed it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, Label, Static

from flux_tui.core.terminal_text import terminal_safe
from flux_tui.core.wording import counted
from flux_tui.sessions import SearchHit, SessionError, SessionInfo
from flux_tui.ui.screens.session_columns import Column, cells, columns_for
from flux_tui.ui.screens.session_dialogs import ConfirmDeleteScreen, ExportScreen, ForkScreen, prompts_of
from flux_tui.ui.screens.session_keys import (
    COMPACT_FOOTER_BELOW,
    FOOTER_BREAKPOINTS,
    SessionsTable,
    session_bindings,
    session_buttons,
    type_into_search,
)
from flux_tui.ui.widgets.footer import FluxFooter

if TYPE_CHECKING:
    from flux_tui.ui.session_actions import SessionActions

MARKS = ("\x02", "\x03")  # around matched words in search snippets; never in stored text
MAX_SNIPPETS = 3
SEARCH_DELAY = 0.2  # seconds of no typing before the search runs


def started_label(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def snippet_text(snippet: str) -> Text:
    """A search snippet with its matched words highlighted (drawn as text only: see ``screen_text``)."""
    text = Text(overflow="fold")
    rest = snippet
    while MARKS[0] in rest:
        before, _, tail = rest.partition(MARKS[0])
        match, _, rest = tail.partition(MARKS[1])
        text.append(terminal_safe(before.replace("\n", " ")))
        text.append(terminal_safe(match), style="bold reverse")
    text.append(terminal_safe(rest.replace("\n", " ")))
    return text


class SessionsScreen(Screen[None]):
    """The list of saved sessions, newest first; the search box filters it by full-text search."""

    CSS_PATH = "sessions.tcss"
    AUTO_FOCUS = "#sessions-table"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = FOOTER_BREAKPOINTS
    BINDINGS: ClassVar[list[BindingType]] = session_bindings()

    def __init__(self, actions: SessionActions) -> None:
        super().__init__()
        self.actions = actions
        self.service = actions.service
        self.sessions: list[SessionInfo] = []  # as listed (filtered by the search)
        self.hits: dict[str, list[SearchHit]] = {}  # session id -> its matches for the current search
        self.query_text = ""
        self._renaming: str | None = None
        self._search_timer: Timer | None = None
        self.last_export: Path | None = None  # where the last export was written
        self.loaded = asyncio.Event()  # set after each (re)load of the list (tests)
        self._columns: list[Column] = []  # as laid out for the table's width (``session_columns``)

    def compose(self) -> ComposeResult:
        yield Label("Sessions", id="sessions-title")
        # Typing from the list lands in the box (session_keys); selecting its text as the focus arrives
        # would make the next key replace what was just typed.
        yield Input(
            placeholder="Search prompts and answers (full text)…", id="sessions-search", select_on_focus=False
        )
        yield SessionsTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Input(id="sessions-rename", placeholder="New title · Enter saves · Esc cancels")
        yield Static(id="sessions-detail")
        with Horizontal(id="sessions-actions"):
            for action, label in session_buttons():
                variant = "error" if action == "delete" else "default"
                yield Button(label, id=f"session-{action}", variant=variant, compact=True)
        yield FluxFooter()

    def on_mount(self) -> None:
        self.query_one("#sessions-rename").display = False
        self.reload()

    # -- loading ------------------------------------------------------------------------------------

    @work(exclusive=True, group="sessions-list", exit_on_error=False)
    async def reload(self, select: str | None = None) -> None:
        """(Re)fill the list: every session, or those matching the search, best match first."""
        self.loaded.clear()
        store, query = self.service.store, self.query_text.strip()
        if store is None:
            return
        try:
            sessions = await asyncio.to_thread(store.list_sessions)
            hits = await asyncio.to_thread(store.search, query, limit=200, marks=MARKS) if query else []
        except SessionError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.hits = {}
        for hit in hits:
            self.hits.setdefault(hit.session_id, []).append(hit)
        if query:
            by_id = {info.id: info for info in sessions}
            needle = query.lower()
            ranked = [by_id[sid] for sid in self.hits if sid in by_id]
            ranked += [s for s in sessions if s.id not in self.hits and needle in s.display_title.lower()]
            sessions = ranked
        self.sessions = sessions
        self._fill(select)
        self.loaded.set()

    def _fill(self, select: str | None) -> None:
        table: DataTable[str | Text] = self.query_one(DataTable)
        previous = select or self.selected_id
        columns = self._layout()
        if columns != self._columns:
            table.clear(columns=True)
            for column in columns:
                table.add_column(column.label, key=column.key, width=column.width)
            self._columns = columns
        else:
            table.clear()
        current = self.service.current_session_id
        for info in self.sessions:
            table.add_row(*cells(info, columns, current, started_label(info.created_at)), key=info.id)
        ids = [info.id for info in self.sessions]
        if previous in ids:
            table.move_cursor(row=ids.index(previous))
        self._show_detail()

    def _layout(self) -> list[Column]:
        table = self.query_one(DataTable)
        # The scrollbar's room is kept even before there are rows enough for one.
        return columns_for(table.size.width - table.styles.scrollbar_size_vertical, self.sessions)

    def on_resize(self, event: events.Resize) -> None:
        # Written compactly below -wide, the footer's keys fit (sessions.tcss leaves some out there).
        self.query_one(FluxFooter).compact = event.size.width < COMPACT_FOOTER_BELOW
        self.call_after_refresh(self._relayout)  # once the table has its new width

    def _relayout(self) -> None:
        if self._columns and self._layout() != self._columns:
            self._fill(None)

    # -- selection and detail -------------------------------------------------------------------------

    @property
    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.sessions or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.sessions[row].id if 0 <= row < len(self.sessions) else None

    @property
    def selected(self) -> SessionInfo | None:
        wanted = self.selected_id
        return next((info for info in self.sessions if info.id == wanted), None)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#sessions-detail", Static)
        info = self.selected
        if info is None:
            empty = (
                f"No session matches “{self.query_text.strip()}”."
                if self.query_text.strip()
                else ("No saved sessions yet: every conversation is saved as you go.")
            )
            detail.update(Content(empty))  # holds the search text as typed
            return
        text = Text()
        text.append(info.display_title, style="bold")
        text.append(f"  ({info.id})", style="dim")
        if info.id == self.service.current_session_id:
            text.append("  ● being recorded", style="green")
        text.append(
            f"\nstarted {started_label(info.created_at)} · last activity {started_label(info.updated_at)}"
            f" · {counted(info.turns, 'turn')} · {info.cost_label} · {info.input_tokens:,} in / "
            f"{info.output_tokens:,} out tokens"
        )
        forked = info.meta.get("forked_from")
        if isinstance(forked, dict) and forked.get("session_id"):
            text.append(f"\nforked from {forked['session_id']}", style="dim")
        imported = info.meta.get("imported_from")
        if isinstance(imported, str) and imported:
            text.append(f"\nimported from session {imported}", style="dim")
        for hit in self.hits.get(info.id, [])[:MAX_SNIPPETS]:
            text.append(f"\n{'you' if hit.role == 'user' else 'answer'}: ", style="italic dim")
            text.append_text(snippet_text(hit.snippet))
        detail.update(text)

    # -- search ---------------------------------------------------------------------------------------

    @on(Input.Changed, "#sessions-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.reload)

    @on(Input.Submitted, "#sessions-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.reload()
        self.query_one(DataTable).focus()

    @on(events.Key)
    def _typed(self, event: events.Key) -> None:
        # Keys come here from the focused widget before any binding: the text boxes keep the printable
        # ones, so those that arrive are typed at the list or a button, and belong to the search.
        type_into_search(self.query_one("#sessions-search", Input), event)

    def action_search(self) -> None:
        self.query_one("#sessions-search", Input).focus()

    def action_to_list(self) -> None:
        if self.focused is self.query_one("#sessions-search", Input):
            self.query_one(DataTable).focus()

    # -- actions ----------------------------------------------------------------------------------------

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("session-")
        handler = getattr(self, f"action_{action}", None)
        if handler is not None:
            handler()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def _target(self) -> SessionInfo | None:
        info = self.selected
        if info is None:
            self.notify("No session selected.", severity="warning", markup=False)
        return info

    def _busy(self) -> bool:
        if self.actions.app is not None and self.actions.app.turn_running:
            self.notify(
                "Finish or stop the answer (or replay) first: press Esc in the chat.",
                severity="warning",
                markup=False,
            )
            return True
        return False

    def action_close(self) -> None:
        if self._renaming is not None:
            self._end_rename()
            return
        self.dismiss()

    def action_open(self) -> None:
        info = self._target()
        if info is None or self._busy():
            return
        self.dismiss()
        self.actions.open_session(info.id)

    def action_replay(self) -> None:
        info = self._target()
        if info is None or self._busy():
            return
        self.dismiss()
        self.actions.replay_by_id(info.id)

    def action_compare(self) -> None:
        """Re-run the selected session's prompts on other providers and models, side by side."""
        from flux_tui.ui.screens.compare_screen import CompareScreen  # the agent's machinery: on demand

        info = self._target()
        app = self.app
        if info is not None and not self._busy():
            names = app.config.provider_names()  # type: ignore[attr-defined]
            self.app.push_screen(CompareScreen(self.service, info.id, app.config, names))  # type: ignore[attr-defined]

    def action_fork(self) -> None:
        info = self._target()
        if info is not None and not self._busy():
            self._pick_fork_turn(info)

    @work(group="sessions-action", exit_on_error=False)
    async def _pick_fork_turn(self, info: SessionInfo) -> None:
        try:
            loaded = await self.service.load(info.id)
        except SessionError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        prompts = prompts_of(loaded.transcript)
        if not prompts:
            self.notify("This session has no prompt to continue from.", severity="warning", markup=False)
            return
        message_id = await self.app.push_screen_wait(ForkScreen(info.display_title, prompts))
        if message_id:
            self.dismiss()
            self.actions.fork_session(info.id, message_id)

    def action_rename(self) -> None:
        info = self._target()
        if info is None:
            return
        self._renaming = info.id
        field = self.query_one("#sessions-rename", Input)
        field.value = terminal_safe(info.title or "")
        field.display = True
        field.focus()

    @on(Input.Submitted, "#sessions-rename")
    async def _rename_submitted(self, event: Input.Submitted) -> None:
        session_id, title = self._renaming, event.value
        self._end_rename()
        if session_id is None:
            return
        try:
            await self.service.rename(session_id, title)
        except (SessionError, ValueError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Renamed.", markup=False)
        self.reload(select=session_id)

    def _end_rename(self) -> None:
        self._renaming = None
        self.query_one("#sessions-rename", Input).display = False
        self.query_one(DataTable).focus()

    def action_export(self) -> None:
        info = self._target()
        if info is not None:
            self._export(info)

    @work(group="sessions-action", exit_on_error=False)
    async def _export(self, info: SessionInfo) -> None:
        paths = {fmt: self.service.default_export_path(info, fmt) for fmt in ("md", "jsonl")}
        choice = await self.app.push_screen_wait(ExportScreen(info.display_title, paths))
        if choice is None:
            return
        fmt, path = choice
        try:
            written = await self.service.export(info.id, fmt, path)
        except (SessionError, OSError) as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.last_export = written
        self.notify(f"Exported to {written}", title="Session exported", timeout=8, markup=False)

    def action_delete(self) -> None:
        info = self._target()
        if info is None:
            return
        reason = self.service.can_delete(info.id)
        if reason is not None:
            self.notify(reason, severity="warning", markup=False)
            return
        self._delete(info)

    @work(group="sessions-action", exit_on_error=False)
    async def _delete(self, info: SessionInfo) -> None:
        if not await self.app.push_screen_wait(ConfirmDeleteScreen(info.display_title, info.id)):
            return
        try:
            await self.service.delete(info.id)
        except SessionError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Deleted “{info.display_title}”.", markup=False)
        self.reload()
