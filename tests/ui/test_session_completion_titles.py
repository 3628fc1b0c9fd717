"""Tab after /resume and /replay: the suggestion bar shows each session id with its title (Tab still
takes the id alone)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE

from flux_tui.ui.widgets.prompt_input import SuggestionBar


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


async def test_the_bar_shows_titles_and_tab_takes_the_id(config: Any) -> None:
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("how do monads work", "like burritos")])
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"/resume ")
            await pilot.pause()
            shown = str(app.query_one(SuggestionBar).render())
            assert session_id in shown and "how do monads work" in shown
            await pilot.press("tab")
            assert app.conversation.prompt_input.text == f"/resume {session_id}"
    finally:
        rig.close(app)
