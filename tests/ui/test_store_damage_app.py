"""The app on a damaged session database: every session action names the cause (damaged, with the
way out), never "no session store configured" or a bare "could not be opened"."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, run_command, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from store_samples import damaged_pages


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def notices(app: Any) -> list[str]:
    return [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]


async def test_every_session_action_names_the_damage(config: Any) -> None:
    db = config.data_path / "sessions.db"
    damaged_pages(db)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: any("damaged" in n for n in notices(app)))
            await run_command(pilot, app, "/resume abc")
            await pilot.pause()
            await pilot.press("ctrl+o")
            await pilot.pause()
            said = notices(app)
    finally:
        rig.close(app)
    assert len(said) == 3, said
    for line in said:
        assert "damaged" in line and "mv " in line, line
        assert "no session store configured" not in line and "could not be opened" not in line
