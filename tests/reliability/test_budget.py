"""The session budget: a warning at 80 %, a confirmation at 100 % before any new request, ``/budget``.

Spend comes from the fake API's usage figures priced by genai-prices: 1M input tokens cost $3.00 on
claude-sonnet-4-6 and $2.50 on gpt-4o.
"""

from __future__ import annotations

from typing import Any

import pytest
from rel_support import KINDS, MakeRig, assert_session_matches, count_prompt

from flux_tui.core.agent_events import Notice, TurnStarted, UsageReported
from flux_tui.core.budget import (
    HEADLESS_BUDGET_WORDS,
    TUI_BUDGET_WORDS,
    BudgetExceededError,
    BudgetGuard,
    parse_budget,
    refuse_over_budget,
)
from flux_tui.core.retry import retry_last

PRICE = {"anthropic": 3.0, "openai": 2.5}  # USD per 1M input tokens


def big_usage(kind: str, tokens: int = 1_000_000) -> dict[str, int]:
    if kind == "anthropic":
        return {"input_tokens": tokens, "output_tokens": 0}
    return {"prompt_tokens": tokens, "completion_tokens": 0}


class Confirm:
    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[float, float]] = []

    async def __call__(self, spent: float, budget: float) -> bool:
        self.calls.append((spent, budget))
        return self.answers.pop(0)


@pytest.mark.parametrize("kind", KINDS)
async def test_warning_once_at_80_percent(kind: str, make_rig: MakeRig) -> None:
    budget = PRICE[kind] / 0.85  # the first answer spends 85 %
    rig = make_rig(kind, budget_usd=budget, confirm=Confirm())
    rig.queue_text("pricey", usage=big_usage(kind))
    await rig.turn("one")
    warnings = [n for n in rig.events.notices() if "budget" in n]
    assert warnings == [f"85% of the session budget used: ${PRICE[kind]:.2f} of ${budget:.2f}."]
    rig.queue_text("cheap", usage=big_usage(kind, 10))
    await rig.turn("two")
    assert [n for n in rig.events.notices() if "budget" in n] == warnings  # once
    assert_session_matches(rig)


@pytest.mark.parametrize("kind", KINDS)
async def test_over_budget_waits_for_a_no_and_sends_nothing(kind: str, make_rig: MakeRig) -> None:
    confirm = Confirm(False)
    rig = make_rig(kind, budget_usd=1.0, confirm=confirm)
    rig.queue_text("pricey", usage=big_usage(kind))
    await rig.turn("one")
    assert any(n.startswith("Session budget reached") for n in rig.events.notices())
    assert await rig.turn("two") == "error"
    assert confirm.calls == [(pytest.approx(PRICE[kind]), 1.0)]
    assert len(rig.bodies()) == 1  # the second request was never sent
    failed = rig.events.failed()
    assert failed.error_type == "BudgetExceededError"
    assert (
        failed.error == f"session budget reached: ${PRICE[kind]:.2f} spent of $1.00; the request was not sent"
    )
    assert failed.hint == TUI_BUDGET_WORDS.refused["session"]
    # the prompt is out of the history, kept for /retry to send after raising the cap
    assert [m.text for m in rig.agent.transcript.messages] == ["one", "pricey"]
    assert rig.agent.unanswered == "two"
    assert_session_matches(rig)
    assert rig.step.budget is not None
    assert "Budget set to $10.00" in rig.step.budget.set_budget(10.0)
    rig.queue_text("fine")
    assert await retry_last(rig.agent) == "end_turn"
    assert count_prompt(kind, rig.bodies()[-1], "two") == 1
    assert len(confirm.calls) == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_a_yes_covers_the_rest_of_the_turn(kind: str, make_rig: MakeRig) -> None:
    confirm = Confirm(True, False)
    rig = make_rig(kind, budget_usd=1.0, confirm=confirm)
    rig.queue_text("pricey", usage=big_usage(kind))
    await rig.turn("one")
    (rig.workspace / "a.txt").write_text("A\n")
    rig.queue_calls([("call_a", "read_file", {"path": "a.txt"})])
    rig.queue_text("read it")
    assert await rig.turn("read a.txt") == "end_turn"  # two requests, one question
    assert len(confirm.calls) == 1
    assert any(n.startswith("Over budget") for n in rig.events.notices())
    assert len(rig.bodies()) == 3
    assert await rig.turn("three") == "error"  # the next turn asks again: no
    assert len(confirm.calls) == 2 and len(rig.bodies()) == 3


async def test_headless_refuses_with_its_own_hint(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic", budget_usd=1.0)
    assert rig.step.budget is not None
    rig.step.budget.confirm = refuse_over_budget
    rig.step.budget.words = HEADLESS_BUDGET_WORDS
    rig.queue_text("pricey", usage=big_usage("anthropic"))
    await rig.turn("one")
    assert await rig.turn("two") == "error"
    assert rig.events.failed().hint == HEADLESS_BUDGET_WORDS.refused["session"]


def usage_event(cost_tokens: int) -> UsageReported:
    return UsageReported(provider="anthropic", model="claude-sonnet-4-6", input_tokens=cost_tokens, cost=0.5)


def test_guard_set_budget_load_and_summary() -> None:
    guard = BudgetGuard(None)
    notices: list[Any] = []
    guard._emit = notices.append  # as attach() would
    assert guard.summary() == "No budget set ($0.00 spent). Set one with /budget USD."
    guard.load([TurnStarted(turn_id="t", prompt="p", provider="a", model="m"), usage_event(10)])
    assert guard.spent == 0.5
    assert guard.set_budget(0.4).endswith(
        "It is already reached: new requests will ask for your confirmation."
    )
    assert guard.summary() == "Budget: $0.5000 of $0.4000 (125%) spent this session."
    assert guard.set_budget(None) == "Budget removed: requests are no longer capped."
    guard.set_budget(0.6)  # 83 %: already past the warning when set, so no notice later
    guard(usage_event(1))  # $1.00 now: over
    from flux_tui.core.agent_events import StepFinished

    guard(StepFinished(stop_reason="end_turn"))
    assert [n.text for n in notices if isinstance(n, Notice)] == [
        "Session budget reached: $1.00 of $0.6000. New requests will wait for your confirmation "
        "(/budget USD raises the cap)."
    ]
    guard.reset()
    assert guard.spent == 0 and guard.budget == 0.6


async def test_gate_without_anyone_to_ask_refuses() -> None:
    class FakeAgent:
        def __init__(self) -> None:
            self.events: list[Any] = []

        def emit(self, event: Any) -> None:
            self.events.append(event)

    guard = BudgetGuard(0.1)
    guard(usage_event(1))
    with pytest.raises(BudgetExceededError) as info:
        await guard.gate(FakeAgent(), "turn-1")  # type: ignore[arg-type]
    assert info.value.spent == 0.5 and info.value.budget == 0.1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5", 5.0), ("$2.50", 2.5), (" 1,000 ", 1000.0), ("off", None), ("0", 0.0), ("none", None)],
)
def test_parse_budget(text: str, expected: float | None) -> None:
    assert parse_budget(text) == expected


@pytest.mark.parametrize("text", ["five", "-3", "nan", "inf", ""])
def test_parse_budget_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"budget|USD"):
        parse_budget(text)
