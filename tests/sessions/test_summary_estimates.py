"""The sessions list counts what the sidebar counts: a live estimate that nothing replaced before its
turn ended (sessions recorded before replies settled on their own) is spent, and marked estimated."""

from __future__ import annotations

from pathlib import Path

from flux_tui.core.agent_events import (
    AgentEvent,
    TurnCancelled,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.money import usd
from flux_tui.sessions import SessionStore, export_markdown


def usage(cost: float, *, estimated: bool = False) -> UsageReported:
    return UsageReported(provider="anthropic", model="m", input_tokens=100, cost=cost, estimated=estimated)


def old_session() -> list[AgentEvent]:
    return [
        TurnStarted(turn_id="t1", prompt="one", provider="anthropic", model="m"),
        usage(0.01, estimated=True),
        usage(0.10),  # replaces the estimate
        TurnFinished(stop_reason="end_turn"),
        TurnStarted(turn_id="t2", prompt="two", provider="anthropic", model="m"),
        usage(0.02, estimated=True),
        usage(0.028, estimated=True),  # Esc: never replaced
        TurnCancelled(),
    ]


def test_the_list_and_the_ledger_agree_on_an_unsettled_estimate(tmp_path: Path) -> None:
    events = old_session()
    ledger = UsageLedger()
    for event in events:
        ledger.apply(event)
    with SessionStore(tmp_path / "s.db") as store:
        session_id = store.create_session()
        store.append(session_id, events)
        info = store.get(session_id)
        exported = export_markdown(store.load(session_id))
    assert info.cost == ledger.session.cost
    assert info.cost_label == usd(0.128, estimated=True) == "~$0.1280"
    assert "| **Total** | | 2 | 200 | 0 | 0 | 0 | ~$0.1280 |" in exported
