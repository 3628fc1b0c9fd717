"""The sessions screen against a real store (and the fake API server): list, search, rename, delete,
open (resume), fork and export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from key_guard_support import wait_out_key_guard
from textual.widgets import DataTable, Input, OptionList, Select
from ui_pilot import SIZE, send, wait_until

from flux_tui.sessions import load_jsonl
from flux_tui.ui.screens.session_dialogs import ConfirmDeleteScreen, ExportScreen, ForkScreen
from flux_tui.ui.screens.sessions import SessionsScreen, started_label


def rows(screen: SessionsScreen) -> list[list[str]]:
    table: DataTable[Any] = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def detail(screen: SessionsScreen) -> str:
    return str(screen.query_one("#sessions-detail").render())


def select_row(screen: SessionsScreen, session_id: str) -> None:
    table: DataTable[Any] = screen.query_one(DataTable)
    table.move_cursor(row=[info.id for info in screen.sessions].index(session_id))


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


@pytest.fixture
def two_sessions(config: Any) -> tuple[str, str]:
    with rig.open_store(config) as store:
        older = rig.store_session(
            store,
            [
                ("How do fish sleep?", "A zebrafish rests near the bottom."),
                ("And sharks?", "They keep swimming."),
            ],
            cost=0.01,
            start=1_700_000_000.0,
        )
        newer = rig.store_session(
            store,
            [("Explain decorators", "A decorator wraps a function.")],
            provider="openai",
            model="gpt-4o",
            cost=0.5,
            start=1_700_100_000.0,
        )
    return older, newer


async def test_lists_sessions_newest_first_with_their_columns(
    config: Any, two_sessions: tuple[str, str]
) -> None:
    older, newer = two_sessions
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            listed = rows(screen)
            assert [info.id for info in screen.sessions] == [newer, older]
            assert listed[0][1:] == [
                "Explain decorators",
                started_label(1_700_100_000.0),
                "openai:gpt-4o",
                "$0.5000",
                "1",
            ]
            assert listed[1][1] == "How do fish sleep?"
            assert listed[1][3] == "anthropic:claude-sonnet-4-6"
            assert listed[1][4:] == ["$0.0200", "2"]
            assert newer in detail(screen)
            await pilot.press("escape")
            assert not isinstance(app.screen, SessionsScreen)
            # The slash command opens the same screen.
            await rig.open_browser(pilot, app, "/sessions")
    finally:
        rig.close(app)


async def test_search_finds_a_word_from_an_answer(config: Any, two_sessions: tuple[str, str]) -> None:
    older, _newer = two_sessions
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            await pilot.press("slash")
            assert screen.query_one("#sessions-search", Input).has_focus
            await pilot.press(*"zebrafish", "enter")
            await wait_until(pilot, lambda: [info.id for info in screen.sessions] == [older])
            assert "zebrafish rests" in detail(screen).lower()
            search = screen.query_one("#sessions-search", Input)
            # Typed, not submitted: the search runs once the typing pauses (an explicit reload here
            # raced that debounced one, which cancels it: the list has one loader at a time).
            search.value = "nothingmatchesthis"
            await wait_until(pilot, lambda: screen.sessions == [] and "No session matches" in detail(screen))
    finally:
        rig.close(app)


async def test_rename_inline(config: Any, two_sessions: tuple[str, str]) -> None:
    older, _newer = two_sessions
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            select_row(screen, older)
            await pilot.press("f2")
            field = screen.query_one("#sessions-rename", Input)
            assert field.display and field.has_focus and field.value == "How do fish sleep?"
            field.value = ""
            await pilot.press(*"Fish facts", "enter")
            await wait_until(pilot, lambda: "Fish facts" in [r[1] for r in rows(screen)])
            assert not field.display
            assert "How do fish sleep?" not in [r[1] for r in rows(screen)]
        with rig.open_store(config) as store:
            info = store.get(older)
            assert (info.title, info.title_custom) == ("Fish facts", True)
    finally:
        rig.close(app)


async def test_delete_asks_first_and_refuses_the_session_being_recorded(
    config: Any, fake_api: Any, two_sessions: tuple[str, str]
) -> None:
    older, _newer = two_sessions
    fake_api.queue_anthropic_text("recorded now")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, app, "a live prompt")
            assert app.session_actions is not None
            live = app.session_actions.service.current_session_id
            assert live is not None
            screen = await rig.open_browser(pilot, app)
            assert len(screen.sessions) == 3

            select_row(screen, older)
            await pilot.press("delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen))
            await wait_out_key_guard(app.screen)
            await pilot.press("n")
            await wait_until(pilot, lambda: app.screen is screen)
            assert older in [info.id for info in screen.sessions]

            await pilot.press("delete")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen))
            await wait_out_key_guard(app.screen)
            await pilot.press("y")
            await wait_until(pilot, lambda: older not in [info.id for info in screen.sessions])

            select_row(screen, live)
            await pilot.press("delete")
            await pilot.pause()
            assert app.screen is screen  # no dialog: refused
            assert live in [info.id for info in screen.sessions]
        with rig.open_store(config) as store:
            ids = [info.id for info in store.list_sessions()]
            assert older not in ids and live in ids
    finally:
        rig.close(app)


async def test_open_resumes_the_session_and_goes_on_with_its_history(config: Any, fake_api: Any) -> None:
    recorded = await rig.record_conversation(fake_api, config)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.open_browser(pilot, app)
            await pilot.press("enter")
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 3)
            for answer in app.conversation.chat.answers:
                await answer.settle()
            assert [answer.text for answer in app.conversation.chat.answers] == recorded.answers
            assert [prompt.prompt for prompt in app.conversation.chat.prompts] == recorded.prompts
            assert app.conversation.sidebar.ledger.session.cost == pytest.approx(recorded.cost)
            assert app.session_actions is not None
            assert app.session_actions.service.current_session_id == recorded.session_id
            assert app.agent.provider.name == "openai"  # where the session stopped
            assert app.conversation.top_bar.provider == "openai"

            fake_api.queue_openai_text("A fourth answer.")
            await send(pilot, app, "One more thing?")
            body = fake_api.last_request("/v1/chat/completions").body
            sent = [m["content"] for m in body["messages"] if m["role"] != "system"]
            assert sent[:6] == [
                recorded.prompts[0],
                rig.FIRST_ANSWER,
                recorded.prompts[1],
                rig.SECOND_ANSWER,
                recorded.prompts[2],
                rig.THIRD_ANSWER,
            ]
            assert sent[6] == "One more thing?"
            assert app.conversation.sidebar.ledger.session.cost > recorded.cost  # spend goes on accumulating
        with rig.open_store(config) as store:
            assert [info.id for info in store.list_sessions()] == [recorded.session_id]
            assert store.get(recorded.session_id).turns == 4
    finally:
        rig.close(app)


async def test_fork_from_a_turn_opens_a_new_session_with_the_history_up_to_it(
    config: Any, fake_api: Any, two_sessions: tuple[str, str]
) -> None:
    older, _newer = two_sessions
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            select_row(screen, older)
            await pilot.press("ctrl+f")
            await wait_until(pilot, lambda: isinstance(app.screen, ForkScreen))
            turns = app.screen.query_one(OptionList)
            assert turns.option_count == 2
            turns.highlighted = 0  # "How do fish sleep?"
            await wait_out_key_guard(app.screen)
            await pilot.press("enter")
            assert app.session_actions is not None
            sessions = app.session_actions.service
            await wait_until(pilot, lambda: sessions.current_session_id not in (None, older))
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            fork_id = sessions.current_session_id
            assert [m.text for m in app.transcript.messages] == [
                "How do fish sleep?",
                "A zebrafish rests near the bottom.",
            ]
            fake_api.queue_anthropic_text("Whales sleep with half their brain.")
            await send(pilot, app, "And whales?")
        with rig.open_store(config) as store:
            info = store.get(str(fork_id))
            assert info.meta["forked_from"]["session_id"] == older
            assert info.turns == 2
            assert [m.text for m in store.load(str(fork_id)).transcript.messages][2:] == [
                "And whales?",
                "Whales sleep with half their brain.",
            ]
            assert store.get(older).turns == 2  # the original is untouched
    finally:
        rig.close(app)


async def test_export_writes_markdown_and_jsonl_files(
    config: Any, sandbox: Path, two_sessions: tuple[str, str]
) -> None:
    older, _newer = two_sessions
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            select_row(screen, older)

            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.last_export is not None)
            markdown = screen.last_export
            exports = (config.data_path / "exports").resolve()
            assert markdown is not None and markdown.parent == exports  # not the workspace
            assert markdown.suffix == ".md" and older in markdown.name
            text = markdown.read_text()
            assert "How do fish sleep?" in text and "A zebrafish rests near the bottom." in text

            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
            dialog = app.screen
            dialog.query_one("#export-format", Select).value = "jsonl"
            await pilot.pause()
            path_input = dialog.query_one("#export-path", Input)
            assert path_input.value.endswith(".jsonl")
            path_input.value = "fish.jsonl"
            await pilot.press("enter")
            target = exports / "fish.jsonl"
            await wait_until(pilot, lambda: screen.last_export == target.resolve())
            loaded = load_jsonl(target.read_text())
            assert loaded.id == older and loaded.meta.title == "How do fish sleep?"
            assert list(sandbox.iterdir()) == []
    finally:
        rig.close(app)
