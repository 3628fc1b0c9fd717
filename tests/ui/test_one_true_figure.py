"""One session, one figure: the sidebar, ``/stats``, ``/budget``, the sessions browser and list and the
Markdown export show the same total in the same format, ``~`` when a cancelled answer's estimate is in
it; the sidebar's estimate legend shows only while an answer streams."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from test_inspector_sidebar_sidebar import SONNET, USAGE_1, SidebarHost, _rows, _text, _turn, _usage

from flux_tui.core import money, pricing
from flux_tui.core.agent_events import AgentEvent, TurnCancelled, TurnFinished, UsageReported
from flux_tui.core.budget import BudgetGuard, format_usd
from flux_tui.core.ledger import UsageLedger
from flux_tui.sessions import SessionStore, export_markdown
from flux_tui.sessions.commands import cmd_sessions_list
from flux_tui.sessions.models import format_cost
from flux_tui.ui.reports import stats_markdown
from flux_tui.ui.widgets.cost_sidebar import ESTIMATE_NOTE, CostSidebar

CANCELLED = {"input_tokens": 12_000, "output_tokens": 900}


def session_events() -> list[AgentEvent]:
    """A priced answer, then one cancelled by Esc that settles on its estimate."""
    settled = UsageReported(
        provider=SONNET[0],
        model=SONNET[1],
        cost=pricing.price_usage(*SONNET, CANCELLED),
        estimated=True,
        settled=True,
        **CANCELLED,
    )
    return [
        _turn(SONNET, 1),
        _usage(SONNET, USAGE_1),
        TurnFinished(stop_reason="end_turn"),
        _turn(SONNET, 2),
        _usage(SONNET, {**CANCELLED, "output_tokens": 500}, estimated=True),
        settled,
        TurnCancelled(),
    ]


def expected_total() -> str:
    first = pricing.price_usage(*SONNET, USAGE_1)
    second = pricing.price_usage(*SONNET, CANCELLED)
    assert first is not None and second is not None
    return money.usd(first + second, estimated=True)


def test_one_money_format() -> None:
    assert money.usd(0.0248) == format_cost(0.0248) == format_usd(0.0248) == "$0.0248"
    assert money.usd(0.5) == format_cost(0.5) == format_usd(0.5) == "$0.5000"
    assert money.usd(1234.5) == format_cost(1234.5) == "$1,234.50"
    assert money.usd(0.1280, estimated=True, partial=True) == "~$0.1280+"
    assert money.usd(None) == format_cost(None) == "unpriced"


async def test_every_view_shows_the_same_total(tmp_path: Path) -> None:
    events = session_events()
    total = expected_total()

    app = SidebarHost(events)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        sidebar = app.query_one(CostSidebar)
        assert _rows(sidebar)["cost"][1] == total
        assert ESTIMATE_NOTE not in _text(sidebar, "usage")  # nothing streams any more

    ledger = UsageLedger()
    for event in events:
        ledger.apply(event)
    assert f"| {total} |" in stats_markdown(ledger)

    guard = BudgetGuard(None)
    guard.load(events)
    assert guard.summary() == f"No budget set ({total} spent). Set one with /budget USD."

    with SessionStore(tmp_path / "sessions.db") as store:
        session_id = store.create_session()
        store.append(session_id, events)
        (info,) = store.list_sessions()
        assert info.cost_label == total  # the sessions browser's column
        listing = io.StringIO()
        cmd_sessions_list(store, listing)
        assert total in listing.getvalue()
        exported = export_markdown(store.load(session_id))
    total_row = next(line for line in exported.splitlines() if line.startswith("| **Total**"))
    assert total_row.endswith(f"| {total} |")


async def test_the_estimate_legend_shows_only_while_streaming() -> None:
    app = SidebarHost()
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(CostSidebar)
        sidebar.apply(_turn(SONNET))
        sidebar.apply(_usage(SONNET, {"input_tokens": 11_000, "output_tokens": 100}, estimated=True))
        await pilot.pause()
        assert ESTIMATE_NOTE in _text(sidebar, "usage")
        sidebar.apply(TurnCancelled())  # the estimate stays, marked, but nothing streams
        await pilot.pause(0.9)
        assert _rows(sidebar)["cost"][1].startswith("~$")
        assert ESTIMATE_NOTE not in _text(sidebar, "usage")


@pytest.fixture(autouse=True)
def _no_price_overrides() -> None:
    pricing.clear_overrides()
