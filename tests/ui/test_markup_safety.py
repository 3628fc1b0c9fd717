"""Text from outside is never read as markup: prompts, answers, tool names, arguments and results, error
messages, session titles, paths and model names go through the real app with markup-like text in them,
and the app keeps running and shows them as they are (``src/[id]/page.tsx`` included)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select
from ui_pilot import SIZE, finish_turn, plain, send, type_text, wait_until

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    TextDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.transcript import TextBlock, ToolCall, Transcript
from flux_tui.sessions import SessionStore
from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen
from flux_tui.ui.screens.session_dialogs import ConfirmDeleteScreen, ExportScreen, ForkScreen
from flux_tui.ui.screens.sessions import SessionsScreen
from flux_tui.ui.widgets.chat_items import ToolCallLine

PATH = "src/[id]/page.tsx"
SED = "sed 's/[/]/_/g'"
# Each read as markup, it would crash ("[/]"), vanish ("[bold]", "[link=x]"), turn into an action
# ("[@click=app.quit]") or take a path apart ("src/[id]/page.tsx" -> "src//page.tsx").
PIECES = ("[/]", "[bold]x[/bold]", "[red", PATH, "[@click=app.quit]", "[link=x]")
TRICKY = " ".join(PIECES)
TITLE = f"[/] [bold]x[/bold] {PATH} [link=x]"  # short enough to stay a whole session title

_EDGES = re.compile(r"^[\s█▌▐│┃▊▎]+|[\s█▌▐│┃▊▎]+$", re.MULTILINE)


def squeezed(text: str) -> str:
    """``text`` without whitespace or the border drawn at the ends of its lines: what a wrapped widget
    shows, whatever its width."""
    return "".join(_EDGES.sub("", text).split())


def assert_shows(shown: str, *pieces: str) -> None:
    missing = [piece for piece in pieces or PIECES if squeezed(piece) not in squeezed(shown)]
    assert not missing, f"not shown literally: {missing}\n--- shown ---\n{shown}"


def screen_text(app: FluxApp) -> str:
    """The whole screen as plain text (what ``export_screenshot`` draws, without the SVG)."""
    console = Console(width=app.size.width, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def toasts(app: FluxApp) -> str:
    """The notifications on screen (``run_test(notifications=True)`` shows them)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def detail(screen: SessionsScreen) -> str:
    return str(screen.query_one("#sessions-detail").render())


def table_text(table: DataTable[Any]) -> str:
    return plain(table, width=max(table.virtual_size.width, table.size.width))


async def show_call(pilot: Pilot[Any], app: FluxApp, call_id: str) -> str:
    """The inspector's detail pane for one call: header, arguments, result, diff."""
    app.inspector.select(call_id)
    await wait_until(pilot, lambda: app.inspector.selected_call_id == call_id)
    await pilot.pause()
    return "\n".join(plain(part) for part in app.inspector.query("#tool-detail > Static") if part.display)


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


# -- a live turn: prompt, answer, tool calls (chat, inspector, approval), error -------------------------


async def test_prompt_answer_and_tool_calls_with_markup_show_as_they_are(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    page = sandbox / "src" / "[id]" / "page.tsx"
    page.parent.mkdir(parents=True)
    page.write_text(f"export const s = '{TRICKY}';\n")
    fake_api.queue_anthropic_tool_use(
        [("toolu_read", "read_file", {"path": PATH}), ("toolu_odd", "[/]", {"query": TRICKY})],
        text="Reading [bold]it[/bold]",
    )
    fake_api.queue_anthropic_text(f"Done: {TRICKY}")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, TRICKY)
        assert app.is_running
        assert_shows(plain(app.chat.prompts[-1]))
        answer = app.chat.answers[-1]
        assert_shows(answer.chunks[0].rendered_text, "Reading [bold]it[/bold]")
        assert_shows(answer.chunks[-1].rendered_text, "Done:", *PIECES)
        lines = {line.call_id: plain(line) for line in answer.query(ToolCallLine)}
        assert_shows(lines["toolu_read"], "read_file", PATH)
        assert_shows(lines["toolu_odd"], "[/]", "unknown tool")

        await pilot.press("ctrl+t")
        await pilot.pause()

        table = app.inspector.query_one(DataTable)
        assert_shows(table_text(table), "read_file", PATH, "[/]", "[/] [bold]x[/bold]")
        assert_shows(await show_call(pilot, app, "toolu_read"), PATH, *PIECES)  # arguments, result
        assert_shows(await show_call(pilot, app, "toolu_odd"), "[/]", *PIECES)


async def test_a_command_with_markup_in_the_approval_dialog_and_the_inspector(
    make_app: Any, fake_api: Any
) -> None:
    command = f"printf '%s\\n' '[bold]x[/bold] [/]' | {SED}"
    fake_api.queue_anthropic_tool_use([("toolu_sed", "run_command", {"command": command})])
    fake_api.queue_anthropic_text("Ran it.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "replace the slashes")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.screen.query("#approval-preview-body")))
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert_shows(screen_text(app), SED, "[bold]x[/bold]")
        await pilot.press("y")
        await finish_turn(pilot, app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        record = app.inspector.record("toolu_sed")
        assert record is not None and record.status == "done"
        assert_shows(table_text(app.inspector.query_one(DataTable)), "printf '%s\\n' '[bold]x[/bold]")
        assert_shows(await show_call(pilot, app, "toolu_sed"), SED, "[bold]x[_bold] [_]")  # sed's output


async def test_a_provider_error_with_markup_shows_as_it_is(make_app: Any, fake_api: Any) -> None:
    # A guard: the chat's error line already took its text literally.
    fake_api.queue_error("anthropic", 400, message=f"invalid request: {TRICKY}")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answer = await send(pilot, app, "hello")
        assert answer.state == "failed" and app.is_running
        assert_shows(plain(answer.query_one(".turn-error")))


async def test_a_save_error_with_markup_in_its_notification(
    config: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_append(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(28, "No space left on device", "/data/[id]/sessions.db")

    monkeypatch.setattr(SessionStore, "append", failing_append)
    fake_api.queue_anthropic_text("an answer")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await send(pilot, app, "hello")
            await wait_until(pilot, lambda: "Session not saved" in toasts(app))
            assert_shows(toasts(app), "Session not saved: [Errno 28] No space left on device:", "[id]")
            assert app.is_running
    finally:
        rig.close(app)


# -- the sessions browser and its dialogs -----------------------------------------------------------------


async def open_browser(pilot: Pilot[Any], app: FluxApp) -> SessionsScreen:
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
    screen = app.screen
    assert isinstance(screen, SessionsScreen)
    await wait_until(pilot, screen.loaded.is_set)
    await pilot.pause()
    return screen


def stored_markup_session(config: Any) -> str:
    with rig.open_store(config) as store:
        return rig.store_session(
            store, [(TITLE, "an answer"), (f"then {SED}", "ok")], model="claude-[/]-[bold]m[/bold]"
        )


async def test_sessions_browser_lists_searches_and_deletes_a_session_titled_with_markup(config: Any) -> None:
    session_id = stored_markup_session(config)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            screen = await open_browser(pilot, app)
            table = screen.query_one(DataTable)
            assert_shows(table_text(table), TITLE, "claude-[/]-[bold]m[/bold]")
            assert_shows(detail(screen), TITLE)

            search = screen.query_one("#sessions-search", Input)
            search.value = "[nothing]x[/]"
            await wait_until(pilot, lambda: screen.sessions == [] and screen.loaded.is_set())
            await pilot.pause()
            assert_shows(detail(screen), "“[nothing]x[/]”")
            search.value = ""
            await wait_until(pilot, lambda: len(screen.sessions) == 1)
            screen.query_one(DataTable).focus()

            await pilot.press("d")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen))
            await pilot.pause()
            assert_shows(screen_text(app), f"“{TITLE}”", "Delete [y]", "Keep [n]")
            await pilot.press("y")
            await wait_until(pilot, lambda: screen.sessions == [] and app.screen is screen)
            await pilot.pause()
            assert_shows(toasts(app), f"Deleted “{TITLE}”")
            assert app.is_running
        with rig.open_store(config) as store:
            assert session_id not in [info.id for info in store.list_sessions()]
    finally:
        rig.close(app)


async def test_fork_and_export_dialogs_and_their_notifications_with_markup(
    config: Any, sandbox: Path
) -> None:
    stored_markup_session(config)
    (sandbox / "[blocker]").write_text("a file where a folder is wanted")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            screen = await open_browser(pilot, app)

            await pilot.press("f")
            await wait_until(pilot, lambda: isinstance(app.screen, ForkScreen))
            await pilot.pause()
            assert_shows(screen_text(app), f"“{TITLE}”", f"1. {TITLE}", f"2. then {SED}")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen)

            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.pause()
            assert_shows(screen_text(app), f"“{TITLE}”", "Export [enter]", "Cancel [esc]")
            app.screen.query_one("#export-path", Input).value = "exports/[id]/session.md"
            await pilot.press("enter")
            target = (sandbox / "exports" / "[id]" / "session.md").resolve()
            await wait_until(pilot, lambda: screen.last_export == target and "Exported" in toasts(app))
            assert_shows(toasts(app), "Exported to", "exports/[id]/session.md")

            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
            app.screen.query_one("#export-path", Input).value = "[blocker]/x.md"
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.screen is screen and "Export failed" in toasts(app))
            await pilot.pause()
            assert_shows(toasts(app), "Export failed: [Errno 17] File exists:", "/[blocker]'")
            assert app.is_running
    finally:
        rig.close(app)


# -- a stored session with markup in its tool calls: --continue and replay ----------------------------


def stored_tool_session(config: Any) -> str:
    """A session as the agent records one: a prompt, two tool calls with markup, an answer."""
    transcript = Transcript()
    ts = 1_700_000_000.0
    calls = (
        ("toolu_sed", "run_command", {"command": f"{SED} {PATH}"}, f"done: {TRICKY}"),
        ("toolu_odd", "[/]", {"path": PATH}, "unknown tool '[/]'"),
    )
    events: list[AgentEvent] = [
        TurnStarted(ts=ts, turn_id="t0", prompt=TRICKY, provider="anthropic", model="claude-sonnet-4-6"),
        MessageCommitted(ts=ts, message=transcript.add_user_text(TRICKY).to_dict()),
    ]
    for call_id, name, data, result in calls:
        status = "done" if name == "run_command" else "failed"
        events += [
            ToolCallProposed(ts=ts, call_id=call_id, name=name, input=data, preview=f"$ {SED}"),
            ToolCallDecided(ts=ts, call_id=call_id, decision="approved", reason=None),
            ToolCallRunning(ts=ts, call_id=call_id),
            ToolCallFinished(ts=ts + 1, call_id=call_id, status=status, result=result, duration=0.5),
        ]
    reply = transcript.add_assistant(
        [ToolCall(id=c[0], name=c[1], input=c[2]) for c in calls],
        provider="anthropic",
        model="claude-sonnet-4-6",
        stop_reason="tool_use",
    )
    events.append(MessageCommitted(ts=ts + 1, message=reply.to_dict()))
    for call_id, name, _data, result in calls:
        transcript.add_tool_result(call_id, result, is_error=name != "run_command")
    events.append(MessageCommitted(ts=ts + 1, message=transcript.messages[-1].to_dict()))
    events.append(TextDelta(ts=ts + 2, text=f"Changed {PATH}: [bold]x[/bold] [/]"))
    final = transcript.add_assistant(
        [TextBlock(f"Changed {PATH}")], provider="anthropic", model="claude-sonnet-4-6", stop_reason="end"
    )
    events.append(MessageCommitted(ts=ts + 2, message=final.to_dict()))
    events.append(TurnFinished(ts=ts + 2, stop_reason="end_turn"))
    with rig.open_store(config) as store:
        session_id = store.create_session(created_at=ts)
        store.append(session_id, events)
    return session_id


async def assert_tool_calls_shown(pilot: Pilot[Any], app: FluxApp) -> None:
    app.inspector.display = True
    await pilot.pause()
    assert [record.name for record in app.inspector.records] == ["run_command", "[/]"]
    assert_shows(table_text(app.inspector.query_one(DataTable)), "run_command", SED, "[/]", PATH)
    assert_shows(await show_call(pilot, app, "toolu_sed"), SED, PATH, *PIECES)
    assert_shows(await show_call(pilot, app, "toolu_odd"), "[/]", PATH)
    lines = " ".join(plain(line) for line in app.chat.query(ToolCallLine))
    assert_shows(lines, "run_command", SED, "[/]", PATH)


async def test_continue_a_session_with_markup_in_its_tool_calls(config: Any) -> None:
    session_id = stored_tool_session(config)
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.chat.answers) == 1)
            assert app.session_wiring is not None and app.session_wiring.current_session_id == session_id
            await app.chat.materialize_all()
            await pilot.pause()
            assert_shows(plain(app.chat.prompts[-1]))
            assert_shows(screen_text(app), "Resumed “[/] [bold]x[/bold]", f"Changed {PATH}")
            await assert_tool_calls_shown(pilot, app)
            assert app.is_running
    finally:
        rig.close(app)


async def test_replay_a_session_with_markup_in_its_title_and_tool_calls(config: Any) -> None:
    session_id = stored_tool_session(config)
    app = rig.make(config, command="replay", session_id=session_id, speed="instant")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.wait_replay_done(pilot, app)
            assert app.replay is not None
            assert_shows(plain(app.replay.bar), "replay finished", "[/]", "[bold]x[/bold]", "[red")
            await assert_tool_calls_shown(pilot, app)
            assert app.is_running
    finally:
        rig.close(app)


# -- model names from the endpoint: menus and the command palette -------------------------------------


async def test_model_names_with_markup_in_the_menu_and_the_palette(make_app: Any, fake_api: Any) -> None:
    fake_api.anthropic_models = ["claude-sonnet-4-6", "m-[/]", "m-[bold]x[/bold]", "m-[@click=app.quit]"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "m-[/]" in app.top_bar.models)
        await pilot.pause()
        menu = app.top_bar.query_one("#model-select", Select)
        menu.expanded = True
        await pilot.pause()
        assert_shows(plain(menu.query_one(OptionList)), "m-[/]", "m-[bold]x[/bold]", "m-[@click=app.quit]")
        menu.value = "m-[/]"  # what picking it does
        await wait_until(pilot, lambda: app.agent.provider.model == "m-[/]")
        menu.expanded = False
        await pilot.pause()
        assert_shows(screen_text(app), "m-[/]")

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: bool(app.screen.query("CommandList")))
        await pilot.press(*"Switch model")
        await pilot.pause()
        commands = app.screen.query_one("CommandList", OptionList)
        await wait_until(pilot, lambda: commands.option_count >= 3)
        assert_shows(plain(commands), "m-[bold]x[/bold]", "m-[@click=app.quit]")
        await pilot.press("escape")
        assert app.is_running


# -- Markdown reports: /history and /stats ------------------------------------------------------------------


async def test_history_and_stats_show_prompts_answers_and_model_names_as_written(
    make_app: Any, fake_api: Any
) -> None:
    prompt = "**b** [x](http://a) <b>hi</b> a|b &amp; [/]"
    fake_api.queue_anthropic_text("*em* `code` _u_")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"/model m|x*y*", "enter")
        await wait_until(pilot, lambda: app.agent.provider.model == "m|x*y*")
        await send(pilot, app, prompt)
        await pilot.press(*"/history", "enter")
        await wait_until(pilot, lambda: bool(app.chat.query(".history")))
        await pilot.pause()
        assert_shows(screen_text(app), f"you: {prompt}", "anthropic · m|x*y*: *em* `code` _u_")
        await pilot.press(*"/stats", "enter")
        await wait_until(pilot, lambda: bool(app.chat.query(".stats")))
        await pilot.pause()
        row = next(line for line in screen_text(app).splitlines() if "│ anthropic " in line)
        cells = [cell.strip() for cell in row.split("│")]
        assert cells[cells.index("anthropic") :][:3] == ["anthropic", "m|x*y*", "1"]  # one cell, as named
        assert_shows(screen_text(app), "Unpriced (no known price): anthropic:m|x*y*.")


# -- our own labels with brackets in them ------------------------------------------------------------------


async def test_dialog_buttons_keep_their_key_hints(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(BudgetConfirmScreen(1.0, 1.0))
        await pilot.pause()
        assert_shows(screen_text(app), "Send anyway [y]", "Don't send [n]")
