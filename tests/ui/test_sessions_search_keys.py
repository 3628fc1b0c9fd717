"""In the sessions browser, Down from the search box moves to the list (as Enter does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from textual.widgets import DataTable, Input
from ui_pilot import SIZE, wait_until

from flux_tui.ui.screens.sessions import SessionsScreen


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


async def test_down_from_the_search_box_moves_to_the_list(config: Any) -> None:
    with rig.open_store(config) as store:
        older = rig.store_session(store, [("How do fish sleep?", "Near the bottom.")], start=1_700_000_000.0)
        newer = rig.store_session(store, [("Explain decorators", "They wrap.")], start=1_700_100_000.0)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            await wait_until(pilot, screen.loaded.is_set)
            table: DataTable[Any] = screen.query_one(DataTable)
            await pilot.press("slash")
            assert screen.query_one("#sessions-search", Input).has_focus
            await pilot.press("down")
            assert table.has_focus
            assert screen.selected_id == newer  # the list starts at its first row ...
            await pilot.press("down")
            assert screen.selected_id == older  # ... and its own Down moves in it
    finally:
        rig.close(app)
