"""In the app: a prompt refused because no key is configured leaves no saved session; the browser
marks forks and imports; its export goes to the data dir's exports folder and says where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sessions_rig as rig
from textual.widgets import DataTable
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.core.config import load_config
from flux_tui.sessions import export_jsonl, import_jsonl
from flux_tui.ui.screens.session_dialogs import ExportScreen
from flux_tui.ui.screens.sessions import SessionsScreen


async def test_a_prompt_without_a_key_saves_no_session(sandbox: Path, fake_api: Any) -> None:
    config, _problems = load_config(anthropic_base_url=fake_api.anthropic_base_url)  # no key at all
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await type_text(pilot, app, "hello there")
            await pilot.press("enter")
            await finish_turn(pilot, app)
            assert app.conversation.chat.answers[-1].state == "failed"  # the user is told why
            assert app.session_actions is not None and app.session_actions.service.current_session_id is None
    finally:
        rig.close(app)
    with rig.open_store(config) as store:
        assert store.list_sessions(include_empty=True) == []


async def test_the_browser_marks_forks_and_imports_and_exports_outside_the_workspace(
    sandbox: Path, fake_api: Any
) -> None:
    config = rig.sandbox_config(fake_api)
    with rig.open_store(config) as store:
        source = rig.store_session(store, [("How do fish sleep?", "Near the bottom.")])
        fork = store.fork(source, turn=0)
        imported = import_jsonl(store, export_jsonl(store.load(source)))
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            await wait_until(pilot, screen.loaded.is_set)
            table: DataTable[Any] = screen.query_one(DataTable)
            titles = {info.id: str(table.get_row_at(i)[1]) for i, info in enumerate(screen.sessions)}
            assert titles == {
                source: "How do fish sleep?",
                fork: "How do fish sleep? (fork)",
                imported: "How do fish sleep? (imported)",
            }
            table.move_cursor(row=[info.id for info in screen.sessions].index(imported))
            await pilot.pause()
            assert f"imported from session {source}" in str(screen.query_one("#sessions-detail").render())

            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
            exports = config.data_path / "exports"
            assert str(exports) in str(app.screen.query_one("#export-folder").render())
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.last_export is not None)
            written = screen.last_export
            assert written is not None and written.parent == exports.resolve()
            assert any(str(written) in str(n.message) for n in app._notifications)
            assert list(sandbox.iterdir()) == []  # nothing in the workspace
    finally:
        rig.close(app)
