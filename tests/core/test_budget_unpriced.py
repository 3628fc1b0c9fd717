"""The budget's texts over unpriced usage: the figure is the priced spend, and the words next to it name
what it leaves out; setting a budget while the current model is unpriced says its requests are not
counted. No budget can count an unpriced reply, so "$0.00 spent" alone would read as "nothing spent"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from flux_tui.core import pricing
from flux_tui.core.agent_events import Notice, StepFinished, TurnStarted, UsageReported
from flux_tui.core.budget import BudgetExceededError, BudgetGuard

LOCAL = "local:my-llama"
NOT_COUNTED = f"plus unpriced usage of {LOCAL} that no budget counts"


@dataclass
class _Settings:
    base_url: str | None


@dataclass
class _Provider:
    """What ``set_budget`` reads of a ``ChatProvider``."""

    kind: str
    name: str
    model: str
    settings: _Settings


LOCAL_PROVIDER = _Provider("openai", "local", "my-llama", _Settings("http://localhost:11434/v1"))
PRICED_PROVIDER = _Provider("anthropic", "anthropic", "claude-sonnet-4-6", _Settings(None))


@pytest.fixture(autouse=True)
def _no_price_overrides(clean_pricing: None) -> None:
    assert (
        pricing.price_usage("openai", "my-llama", {"input_tokens": 10}, base_url="http://localhost:1") is None
    )


def _local_reply(tokens: int = 5_000) -> UsageReported:
    return UsageReported(
        provider="local", model="my-llama", input_tokens=tokens, output_tokens=200, cost=None
    )


def _priced_reply(cost: float) -> UsageReported:
    return UsageReported(provider="anthropic", model="claude-sonnet-4-6", input_tokens=100, cost=cost)


def _unpriced_guard(budget: float | None = None, **kwargs: Any) -> BudgetGuard:
    guard = BudgetGuard(budget, **kwargs)
    guard.load([TurnStarted(turn_id="t", prompt="p", provider="local", model="my-llama"), _local_reply()])
    return guard


def test_setting_a_budget_over_unpriced_usage_says_what_it_does_not_count() -> None:
    guard = _unpriced_guard()
    assert guard.set_budget(5.0) == f"Budget set to $5.00 ($0.00 spent so far, {NOT_COUNTED})."
    assert guard.summary() == f"Budget: $0.00 of $5.00 (0%) spent this session, {NOT_COUNTED}."
    guard.set_budget(None)
    assert guard.summary() == f"No budget set ($0.00 spent, {NOT_COUNTED}). Set one with /budget USD."


def test_setting_a_budget_on_an_unpriced_model_says_its_requests_are_not_counted() -> None:
    text = BudgetGuard(None).set_budget(5.0, current=LOCAL_PROVIDER)
    not_counted = f"{LOCAL} is unpriced: this budget does not count its requests."
    assert text == f"Budget set to $5.00 ($0.00 spent so far). {not_counted}"
    assert (
        BudgetGuard(None).set_budget(5.0, current=PRICED_PROVIDER)
        == "Budget set to $5.00 ($0.00 spent so far)."
    )


def test_a_partly_unpriced_session_shows_its_priced_figure_and_names_the_rest() -> None:
    guard = _unpriced_guard(1.0)
    guard.load([_local_reply(), _priced_reply(0.25)])
    assert guard.summary() == f"Budget: $0.2500 of $1.00 (25%) spent this session, {NOT_COUNTED}."


def test_the_notices_and_the_refusal_name_the_unpriced_usage() -> None:
    guard = _unpriced_guard(1.0)
    notices: list[str] = []
    guard._emit = lambda event: notices.append(event.text) if isinstance(event, Notice) else None
    guard(_priced_reply(0.85))
    guard(StepFinished(stop_reason="end_turn"))
    guard(_priced_reply(0.25))
    guard(StepFinished(stop_reason="end_turn"))
    assert notices == [
        f"85% of the session budget used: $0.8500 of $1.00, {NOT_COUNTED}.",
        f"Session budget reached: $1.10 of $1.00, {NOT_COUNTED}. New requests will wait for your "
        "confirmation (/budget USD raises the cap).",
    ]
    refused = BudgetExceededError(1.1, 1.0, unpriced=[LOCAL])
    assert (
        refused.message
        == f"session budget reached: $1.10 spent of $1.00, {NOT_COUNTED}; the request was not sent"
    )


def test_the_daily_summary_names_the_unpriced_usage() -> None:
    guard = _unpriced_guard(daily_usd=4.0, spent_elsewhere_today=lambda: 1.0)
    assert guard.summary() == (
        f"No budget set ($0.00 spent, {NOT_COUNTED}). Set one with /budget USD. "
        "Today: $1.00 of $4.00 (25%) over every session."
    )
