"""The usage ledger: estimates replaced, finals added, per-model breakdown, unpriced parts, budget."""

from __future__ import annotations

import pytest

from flux_tui.core.agent_events import (
    ProviderSwitched,
    StepFinished,
    TurnCancelled,
    TurnFinished,
    TurnStarted,
    UsageReported,
    event_from_dict,
    event_to_dict,
)
from flux_tui.core.ledger import UsageLedger


def usage(
    inp: int,
    out: int,
    *,
    est: bool = False,
    cost: float | None = 0.0,
    provider: str = "anthropic",
    model: str = "claude-sonnet-4-6",
    cache_read: int = 0,
) -> UsageReported:
    return UsageReported(
        provider=provider,
        model=model,
        input_tokens=inp,
        output_tokens=out,
        cache_read_tokens=cache_read,
        cost=cost,
        estimated=est,
    )


def start(prompt: str = "hi") -> TurnStarted:
    return TurnStarted(turn_id=prompt, prompt=prompt, provider="anthropic", model="claude-sonnet-4-6")


def test_estimates_are_replaced_by_the_final_figures() -> None:
    ledger = UsageLedger()
    ledger.apply(start())
    ledger.apply(usage(1000, 10, est=True, cost=0.01))
    ledger.apply(usage(1000, 50, est=True, cost=0.02))
    assert (ledger.session.input_tokens, ledger.session.output_tokens, ledger.session.estimated) == (
        1000,
        50,
        True,
    )
    ledger.apply(usage(1200, 60, cost=0.03, cache_read=300))
    session = ledger.session
    assert (session.input_tokens, session.output_tokens, session.cache_read_tokens) == (1200, 60, 300)
    assert session.replies == 1 and session.estimated is False
    assert session.cost == pytest.approx(0.03)
    assert session.total_tokens == 1200 + 60 + 300


def test_final_events_of_successive_replies_add() -> None:
    ledger = UsageLedger()
    ledger.apply(start())
    ledger.apply(usage(100, 10, cost=0.1))
    ledger.apply(StepFinished(stop_reason="tool_use"))
    ledger.apply(usage(200, 20, est=True, cost=0.15))  # next reply's estimate adds, it does not replace
    assert ledger.session.replies == 2
    ledger.apply(usage(210, 25, cost=0.2))
    ledger.apply(TurnFinished(stop_reason="end_turn"))
    assert (ledger.session.input_tokens, ledger.session.output_tokens, ledger.session.replies) == (310, 35, 2)
    assert ledger.session.cost == pytest.approx(0.3)


def test_an_unreplaced_estimate_is_kept_when_the_turn_ends() -> None:
    ledger = UsageLedger()
    ledger.apply(start("one"))
    ledger.apply(usage(500, 40, est=True, cost=0.05))
    ledger.apply(TurnCancelled())
    ledger.apply(start("two"))
    ledger.apply(usage(600, 10, est=True, cost=0.06))  # a new turn: adds to the cancelled estimate
    assert (ledger.session.input_tokens, ledger.session.replies, ledger.session.estimated) == (1100, 2, True)
    assert (ledger.turn.input_tokens, ledger.turn.replies) == (600, 1)


def test_failover_attributes_each_part_to_its_provider() -> None:
    ledger = UsageLedger()
    ledger.apply(start())
    ledger.apply(usage(800, 30, est=True, cost=0.01))
    ledger.apply(
        ProviderSwitched(provider="openai", model="gpt-4.1", previous_provider="anthropic", reason="failover")
    )
    ledger.apply(usage(900, 5, est=True, cost=0.02, provider="openai", model="gpt-4.1"))
    ledger.apply(usage(900, 70, cost=0.03, provider="openai", model="gpt-4.1"))
    breakdown = ledger.by_model()
    assert list(breakdown) == [("anthropic", "claude-sonnet-4-6"), ("openai", "gpt-4.1")]
    assert (
        breakdown["anthropic", "claude-sonnet-4-6"].output_tokens,
        breakdown["openai", "gpt-4.1"].output_tokens,
    ) == (
        30,
        70,
    )
    assert breakdown["anthropic", "claude-sonnet-4-6"].estimated is True
    assert ledger.session.cost == pytest.approx(0.04)


def test_an_estimate_of_another_model_does_not_replace() -> None:
    ledger = UsageLedger()
    ledger.apply(usage(100, 1, est=True, model="a"))
    ledger.apply(usage(100, 1, est=True, model="b"))
    assert ledger.session.replies == 2


def test_unpriced_parts_are_named_not_counted_as_zero() -> None:
    ledger = UsageLedger()
    ledger.apply(usage(10, 10, cost=None, provider="ollama", model="llama3"))
    assert ledger.session.cost is None
    assert ledger.unpriced_models == ["ollama:llama3"]
    ledger.apply(usage(10, 10, cost=0.5))
    ledger.apply(usage(10, 10, cost=None, provider="ollama", model="llama3"))
    assert ledger.cost == pytest.approx(0.5)
    assert ledger.unpriced_models == ["ollama:llama3"]
    assert ledger.session.fully_priced is False
    assert UsageLedger().cost == 0.0  # nothing spent yet


def test_turn_totals_follow_turn_boundaries() -> None:
    ledger = UsageLedger()
    ledger.apply(start("a"))
    ledger.apply(usage(100, 10, cost=0.1))
    ledger.apply(TurnFinished(stop_reason="end_turn"))
    assert ledger.turn.input_tokens == 100 and not ledger.turn_running
    ledger.apply(start("b"))
    assert ledger.turn.replies == 0 and ledger.turn_running
    ledger.apply(usage(300, 30, cost=0.3))
    assert (ledger.turn.input_tokens, ledger.session.input_tokens) == (300, 400)
    assert ledger.last_turn.cost == pytest.approx(0.3)


def test_budget_status() -> None:
    ledger = UsageLedger(budget_usd=1.0)
    assert (ledger.budget_fraction(), ledger.budget_status()) == (0.0, "ok")
    ledger.apply(usage(1, 1, cost=0.8))
    assert ledger.budget_status() == "warning"
    ledger.apply(usage(1, 1, cost=0.25))
    assert ledger.budget_fraction() == pytest.approx(1.05)
    assert ledger.budget_status() == "exceeded"
    assert UsageLedger().budget_status() == "none"


def test_round_trip_and_replay_from_stored_events() -> None:
    events = [
        start(),
        usage(100, 5, est=True, cost=0.01),
        usage(120, 9, cost=0.02),
        TurnFinished(stop_reason="x"),
    ]
    live = UsageLedger(budget_usd=2.0)
    replayed = UsageLedger(budget_usd=2.0)
    for event in events:
        live.apply(event)
        replayed.apply(event_from_dict(event_to_dict(event)))
    assert replayed.to_dict() == live.to_dict()
    restored = UsageLedger.from_dict(live.to_dict())
    assert restored.to_dict() == live.to_dict()
    data = live.to_dict()
    assert data["session"]["total_tokens"] == 129
    assert data["by_model"][0]["provider"] == "anthropic"


def test_totals_are_summed_once_per_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sidebar reads the totals on every redraw of a long session: they are summed again only
    when the entries change (an estimate replaced in place included)."""
    from flux_tui.core import ledger as ledger_module

    sums: list[int] = []
    real = ledger_module.UsageTotals.of.__func__  # type: ignore[attr-defined]

    def counting(cls: type, entries: list, start: object = None) -> object:
        sums.append(len(entries))
        return real(cls, entries, start)

    monkeypatch.setattr(ledger_module.UsageTotals, "of", classmethod(counting))
    ledger = UsageLedger()
    ledger.apply(start())
    ledger.apply(usage(100, 10, est=True))
    assert [ledger.session.output_tokens for _ in range(5)] == [10] * 5
    assert [ledger.turn.output_tokens for _ in range(5)] == [10] * 5
    assert len(sums) == 2
    ledger.apply(usage(100, 40, est=True))  # replaces the estimate: same number of entries
    assert ledger.session.output_tokens == ledger.turn.output_tokens == 40 and len(sums) == 4
    ledger.apply(usage(120, 50))
    ledger.apply(TurnFinished(stop_reason="end_turn"))
    ledger.apply(start("again"))  # a new turn: the session's totals stand, the turn's are new
    assert (ledger.session.output_tokens, ledger.turn.replies) == (50, 0)
    ledger.entries.append(ledger.entries[0])  # added behind the ledger's back: still seen
    assert ledger.session.replies == 2
    assert list(ledger.by_model()) == [("anthropic", "claude-sonnet-4-6")]
    ledger.by_model().clear()  # a caller's copy
    assert list(ledger.by_model()) == [("anthropic", "claude-sonnet-4-6")]
