"""Session titles, prompts, paths and tool calls with markup-like text in the sessions browser and its
dialogs, on --continue and in a replay: the app keeps running and shows them as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from key_guard_support import wait_out_key_guard
from markup_rig import (
    PATH,
    PIECES,
    SED,
    TITLE,
    TRICKY,
    assert_shows,
    detail,
    screen_text,
    show_call,
    table_text,
    toasts,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from ui_pilot import SIZE, plain, wait_until

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
from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.session_dialogs import ConfirmDeleteScreen, ExportScreen, ForkScreen
from flux_tui.ui.widgets.chat_items import ToolCallLine


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


# -- the sessions browser and its dialogs -----------------------------------------------------------------


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
            screen = await rig.open_browser(pilot, app)
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

            await pilot.press("delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen))
            await pilot.pause()
            assert_shows(screen_text(app), f"“{TITLE}”", "Delete [y]", "Keep [n]")
            await wait_out_key_guard(app.screen)
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
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            screen = await rig.open_browser(pilot, app)

            await pilot.press("ctrl+f")
            await wait_until(pilot, lambda: isinstance(app.screen, ForkScreen))
            await pilot.pause()
            assert_shows(screen_text(app), f"“{TITLE}”", f"1. {TITLE}", f"2. then {SED}")
            await wait_out_key_guard(app.screen)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen)

            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.pause()
            assert_shows(screen_text(app), f"“{TITLE}”", "Export [enter]", "Cancel [esc]")
            app.screen.query_one("#export-path", Input).value = "[id]/session.md"
            await pilot.press("enter")
            assert app.session_actions is not None
            exports = app.session_actions.service.exports_dir  # a relative path goes there
            target = (exports / "[id]" / "session.md").resolve()
            await wait_until(pilot, lambda: screen.last_export == target and "Exported" in toasts(app))
            assert_shows(toasts(app), "Exported to", "exports/[id]/session.md")
            (exports / "[blocker]").write_text("a file where a folder is wanted")

            await pilot.press("ctrl+s")
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
    app.conversation.inspector.display = True
    await pilot.pause()
    assert [record.name for record in app.conversation.inspector.records] == ["run_command", "[/]"]
    assert_shows(table_text(app.conversation.inspector.query_one(DataTable)), "run_command", SED, "[/]", PATH)
    assert_shows(await show_call(pilot, app, "toolu_sed"), SED, PATH, *PIECES)
    assert_shows(await show_call(pilot, app, "toolu_odd"), "[/]", PATH)
    lines = " ".join(plain(line) for line in app.conversation.chat.query(ToolCallLine))
    assert_shows(lines, "run_command", SED, "[/]", PATH)


async def test_continue_a_session_with_markup_in_its_tool_calls(config: Any) -> None:
    session_id = stored_tool_session(config)
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            assert app.session_actions is not None
            assert app.session_actions.service.current_session_id == session_id
            await app.conversation.chat.materialize_all()
            await pilot.pause()
            assert_shows(plain(app.conversation.chat.prompts[-1]))
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
