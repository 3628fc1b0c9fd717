"""``budget_usd_per_day``: the spend of the day over every session of the data dir (headless runs too),
with the same warning at 80 % and confirmation at 100 % as the session budget."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from rel_support import KEYS, MODELS, MakeRig
from test_budget import Confirm, big_usage

from flux_tui.core.agent_events import TurnStarted, UsageReported
from flux_tui.core.budget import BudgetGuard, format_usd, start_of_today
from flux_tui.core.config import Config
from flux_tui.headless import EXIT_FAILED, run_headless
from flux_tui.sessions import SessionStore
from flux_tui.sessions.daily import spent_since


def spend(store: SessionStore, cost: float, ts: float) -> str:
    session_id = store.create_session(created_at=ts)
    store.append(
        session_id,
        [
            TurnStarted(ts=ts, turn_id="t", prompt="other work", provider="anthropic", model="m"),
            UsageReported(ts=ts, provider="anthropic", model="m", input_tokens=10, cost=cost),
            UsageReported(ts=ts, provider="anthropic", model="m", input_tokens=10, cost=9.0, estimated=True),
        ],
    )
    return session_id


def test_spent_today_counts_other_sessions_of_today_only(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.db") as store:
        spend(store, 2.0, time.time())
        spend(store, 5.0, start_of_today() - 3600)  # yesterday
        mine = spend(store, 0.5, time.time())
        assert spent_since(store, start_of_today()) == pytest.approx(2.5)  # live estimates are not spend
        assert spent_since(store, start_of_today(), exclude_session=mine) == pytest.approx(2.0)


def test_copies_of_sessions_are_not_spent_again(tmp_path: Path) -> None:
    # A fork or an import copies the usage of its original, with its time: no money was spent on them.
    from flux_tui.sessions.jsonl import export_jsonl, import_jsonl

    with SessionStore(tmp_path / "s.db") as store:
        original = spend(store, 2.0, time.time() - 60)
        forked = store.copy(store.load(original))  # what a fork stores, the whole session
        imported = import_jsonl(store, export_jsonl(store.load(original)))
        assert spent_since(store, start_of_today()) == pytest.approx(2.0)
        # What a copy spends once it goes on is the day's like any other spend.
        for session_id in (forked, imported):
            usage = UsageReported(provider="anthropic", model="m", input_tokens=1, cost=0.25)
            store.append(session_id, [usage])
        assert spent_since(store, start_of_today()) == pytest.approx(2.5)


async def test_the_daily_cap_warns_at_80_percent_then_asks(make_rig: MakeRig) -> None:
    confirm = Confirm(False)
    rig = make_rig("anthropic", budget_usd=1000.0, confirm=confirm)
    spend(rig.store, 2.0, time.time())  # another session, earlier today
    guard = rig.step.budget
    assert guard is not None
    guard.daily_usd = 3.0
    guard.spent_elsewhere_today = lambda: spent_since(
        rig.store, start_of_today(), exclude_session=rig.recorder.session_id
    )

    rig.queue_text("one", usage=big_usage("anthropic", 200_000))  # $0.60
    await rig.turn("first")
    assert [n for n in rig.events.notices() if "budget" in n] == [
        "87% of the daily budget used: $2.60 of $3.00."
    ]
    rig.queue_text("two", usage=big_usage("anthropic", 200_000))
    await rig.turn("second")
    assert any(n.startswith("Daily budget reached: $3.20 of $3.00.") for n in rig.events.notices())

    assert await rig.turn("third") == "error"
    assert confirm.calls == [(pytest.approx(3.2), 3.0)]
    assert "daily budget reached" in rig.events.failed().error
    assert len(rig.api.requests_to("/v1/messages")) == 2  # nothing sent


async def test_headless_refuses_over_the_daily_cap(fake_api: FakeAPI, tmp_path: Path) -> None:
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
    assert "daily budget reached: $1.25 spent of $1.00" in said
    assert not fake_api.requests_to("/v1/messages")
    # What to do names the daily cap, and nothing waits for a confirmation nobody can give.
    assert "raise budget_usd_per_day (FLUX_BUDGET_USD_PER_DAY) to go on" in said
    assert "FLUX_BUDGET_USD)" not in said and "wait for your confirmation" not in said
    reached = "Daily budget reached: $1.25 of $1.00. New requests are not sent: flux-tui run does not ask."
    assert reached in said


def test_budget_summary_tells_the_day_and_the_setting_reads_its_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flux_tui.core.budget import BudgetGuard
    from flux_tui.core.config import load_config

    guard = BudgetGuard(None, daily_usd=4.0, spent_elsewhere_today=lambda: 1.0)
    assert guard.summary() == (
        "No budget set ($0.00 spent). Set one with /budget USD. "
        "Today: $1.00 of $4.00 (25%) over every session."
    )
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("FLUX_BUDGET_USD_PER_DAY", "12.5")
    config, _ = load_config()
    assert config.budget_usd_per_day == 12.5


@pytest.mark.parametrize("case", ["fork", "yesterday"])
def test_a_resumed_session_counts_only_its_own_spend_of_today(tmp_path: Path, case: str) -> None:
    # Resumed, a fork's copied usage is its original's, and yesterday's spend is yesterday's: neither
    # is today's in this session (the original, of today, is counted once, among the others).
    with SessionStore(tmp_path / "s.db") as store:
        when = time.time() - 60 if case == "fork" else start_of_today() - 3600
        original = spend(store, 2.0, when)
        resumed = store.load(store.copy(store.load(original)) if case == "fork" else original)
        guard = BudgetGuard(daily_usd=10.0)
        guard.spent_elsewhere_today = lambda: spent_since(store, start_of_today(), exclude_session=resumed.id)
        guard.load(resumed.events, copied_at=resumed.meta.copied_at)
        elsewhere = 2.0 if case == "fork" else 0.0
        assert f"Today: {format_usd(elsewhere)} of $10.00 " in guard.summary()
        guard.ledger.apply(UsageReported(provider="anthropic", model="m", input_tokens=1, cost=0.5))
        assert f"Today: {format_usd(elsewhere + 0.5)} of $10.00 " in guard.summary()
