"""Counts on screen are worded for their number: "1 turn", "2 turns" (the sessions browser, a resumed
session's notice, the fold above earlier exchanges)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from test_sessions_ui import detail
from ui_pilot import SIZE, wait_until

from flux_tui.core.wording import counted
from flux_tui.ui.widgets.chat_items import EarlierTurns, NoticeLine, preview


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def test_counted() -> None:
    assert counted(1, "turn") == "1 turn"
    assert counted(0, "turn") == "0 turns"
    assert counted(2_000, "model request") == "2,000 model requests"
    assert counted(1, "more entry", "more entries") == "1 more entry"
    assert counted(3, "more entry", "more entries") == "3 more entries"


def test_a_cut_prompt_counts_one_more_line() -> None:
    assert preview("x" * 10 + "\nend", limit=10).endswith("(4 more characters, 1 more line)")


def test_one_earlier_exchange() -> None:
    fold = EarlierTurns([], 1)
    assert str(fold.render()) == "▲ 1 earlier exchange: click or press Enter to show it"


async def test_a_session_of_one_turn_says_one_turn(config: Any) -> None:
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("only question", "only answer")])
    app = rig.make(config, resume=session_id)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            resumed = [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]
            assert any("(1 turn, " in text for text in resumed), resumed
            screen = await rig.open_browser(pilot, app)
            assert " · 1 turn · " in detail(screen)
    finally:
        rig.close(app)
