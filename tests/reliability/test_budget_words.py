"""What a reached budget tells the user to do names the cap that was reached (the session's, raised with
``/budget``; the day's, ``budget_usd_per_day``) and fits where the agent runs (the TUI asks, ``flux-tui
run`` cannot)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from rel_support import KEYS, MODELS, MakeRig
from test_budget import Confirm, big_usage
from test_budget_per_day import spend

from flux_tui.core.config import Config
from flux_tui.headless import EXIT_FAILED, run_headless
from flux_tui.sessions.daily import spent_since, start_of_today


async def test_headless_over_the_daily_cap_names_the_daily_setting(fake_api: FakeAPI, tmp_path: Path) -> None:
    config = Config(
        provider="anthropic",
        model=MODELS["anthropic"],
        workspace=tmp_path,
        anthropic_api_key=KEYS["anthropic"],
        anthropic_base_url=fake_api.anthropic_base_url,
        budget_usd_per_day=1.0,
    )
    err = io.StringIO()
    code = await run_headless(config, "Hi", out=io.StringIO(), err=err, spent_elsewhere_today=lambda: 1.25)
    assert code == EXIT_FAILED
    said = err.getvalue()
    assert "raise budget_usd_per_day (FLUX_BUDGET_USD_PER_DAY) to go on" in said
    assert "FLUX_BUDGET_USD)" not in said and "wait for your confirmation" not in said
    reached = "Daily budget reached: $1.25 of $1.00. New requests are not sent: flux-tui run does not ask."
    assert reached in said


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
