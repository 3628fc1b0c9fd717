"""``SessionActions``: the app's session commands over the session service, as the app is built and
used (the daily budget's view of the other sessions; what the commands say when there is no store)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, run_command, wait_until

from flux_tui.core.agent_events import TurnStarted, UsageReported
from flux_tui.ui.app import FluxApp
from flux_tui.ui.session_actions import SessionActions
from flux_tui.ui.widgets.chat_items import NoticeLine

UNAVAILABLE = "Sessions are not available in this run: the disk is full"


def notices(app: Any) -> list[str]:
    return [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]


def test_the_daily_budget_counts_what_the_other_sessions_spent_today(sandbox: Path, fake_api: Any) -> None:
    config = rig.sandbox_config(fake_api, budget_usd_per_day=5.0)
    now = time.time()
    with rig.open_store(config) as store:
        other = store.create_session(created_at=now)
        store.append(
            other,
            [
                TurnStarted(ts=now, turn_id="t", prompt="other work", provider="anthropic", model="m"),
                UsageReported(ts=now, provider="anthropic", model="m", input_tokens=10, cost=1.5),
            ],
        )
    app = rig.make(config)
    try:
        budget = app.agent.stream_step.budget  # type: ignore[attr-defined]
        assert budget.spent_elsewhere_today is not None
        assert budget.spent_elsewhere_today() == pytest.approx(1.5)
    finally:
        rig.close(app)


async def test_without_a_store_the_session_commands_say_why(sandbox: Path, fake_api: Any) -> None:
    app = FluxApp(rig.sandbox_config(fake_api))
    actions = SessionActions(None, problem="the disk is full")
    actions.attach(app)
    assert app.session_actions is actions and actions.service.sinks() == []
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/resume abc")
        await wait_until(pilot, lambda: UNAVAILABLE in notices(app))
        await run_command(pilot, app, "/replay abc")
        await wait_until(pilot, lambda: notices(app).count(UNAVAILABLE) == 2)
        await run_command(pilot, app, "/sessions")
        await wait_until(pilot, lambda: notices(app).count(UNAVAILABLE) == 3)
        assert app.screen is app.conversation  # no browser over nothing
