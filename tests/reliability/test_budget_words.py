"""What a reached budget tells the user to do names the cap that was reached (the session's, raised with
``/budget``; the day's, ``budget_usd_per_day``) and fits where the agent runs (the TUI asks, ``flux-tui
run`` cannot: test_budget_per_day.py)."""

from __future__ import annotations

import time

import pytest
from rel_support import MakeRig
from test_budget import Confirm, big_usage
from test_budget_per_day import spend

from flux_tui.core.budget import start_of_today
from flux_tui.sessions.daily import spent_since


async def test_the_tui_over_the_daily_cap_does_not_offer_the_session_budget(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic", budget_usd=1000.0, confirm=Confirm(False))
    spend(rig.store, 2.9, time.time())
    guard = rig.step.budget
    assert guard is not None
    guard.daily_usd = 3.0
    guard.spent_elsewhere_today = lambda: spent_since(
        rig.store, start_of_today(), exclude_session=rig.recorder.session_id
    )
    rig.queue_text("one", usage=big_usage("anthropic", 200_000))
    await rig.turn("first")
    reached = next(n for n in rig.events.notices() if n.startswith("Daily budget reached"))
    assert "budget_usd_per_day in flux.toml" in reached and "/budget USD" not in reached
    assert await rig.turn("second") == "error"
    hint = rig.events.failed().hint
    assert hint is not None and "budget_usd_per_day" in hint and "/budget USD" not in hint


@pytest.mark.parametrize("scope", ["session", "daily"])
def test_every_scope_has_its_words(scope: str) -> None:
    from flux_tui.core.budget import HEADLESS_BUDGET_WORDS, TUI_BUDGET_WORDS

    for words in (TUI_BUDGET_WORDS, HEADLESS_BUDGET_WORDS):
        assert words.reached[scope] and words.refused[scope]
