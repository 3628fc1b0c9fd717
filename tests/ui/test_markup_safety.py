"""Text from outside is never read as markup: prompts, answers, tool names, arguments and results, error
messages, paths and model names go through the real app with markup-like text in them, and the app keeps
running and shows them as they are (``src/[id]/page.tsx`` included). The sessions browser, --continue
and replay: ``test_markup_safety_sessions``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from key_guard_support import wait_out_key_guard
from markup_rig import PATH, PIECES, SED, TRICKY, assert_shows, screen_text, show_call, table_text, toasts
from textual.widgets import DataTable, OptionList, Select
from ui_pilot import SIZE, finish_turn, plain, send, type_text, wait_until

from flux_tui.sessions import SessionStore
from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen
from flux_tui.ui.widgets.chat_items import ToolCallLine


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
        assert_shows(plain(app.conversation.chat.prompts[-1]))
        answer = app.conversation.chat.answers[-1]
        assert_shows(answer.chunks[0].rendered_text, "Reading [bold]it[/bold]")
        assert_shows(answer.chunks[-1].rendered_text, "Done:", *PIECES)
        lines = {line.call_id: plain(line) for line in answer.query(ToolCallLine)}
        assert_shows(lines["toolu_read"], "read_file", PATH)
        assert_shows(lines["toolu_odd"], "[/]", "unknown tool")

        await pilot.press("ctrl+t")
        await pilot.pause()

        table = app.conversation.inspector.query_one(DataTable)
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
        await wait_out_key_guard(app.screen)
        await pilot.press("y")
        await finish_turn(pilot, app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        record = app.conversation.inspector.record("toolu_sed")
        assert record is not None and record.status == "done"
        assert_shows(
            table_text(app.conversation.inspector.query_one(DataTable)), "printf '%s\\n' '[bold]x[/bold]"
        )
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


# -- model names from the endpoint: menus and the command palette -------------------------------------


async def test_model_names_with_markup_in_the_menu_and_the_palette(make_app: Any, fake_api: Any) -> None:
    fake_api.anthropic_models = ["claude-sonnet-4-6", "m-[/]", "m-[bold]x[/bold]", "m-[@click=app.quit]"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "m-[/]" in app.model_choices)
        await pilot.pause()
        menu = app.conversation.top_bar.query_one("#model-select", Select)
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
        await wait_until(pilot, lambda: bool(app.conversation.chat.query(".history")))
        await pilot.pause()
        assert_shows(screen_text(app), f"you: {prompt}", "anthropic · m|x*y*: *em* `code` _u_")
        await pilot.press(*"/stats", "enter")
        await wait_until(pilot, lambda: bool(app.conversation.chat.query(".stats")))
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
