"""``/budget 0`` is a zero cap (every request asks first); only ``/budget off`` removes the cap."""

from __future__ import annotations

import pytest
from rel_support import MakeRig

from flux_tui.core.budget import BudgetGuard, parse_budget
from flux_tui.core.ledger import UsageLedger


class Confirm:
    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[float, float]] = []

    async def __call__(self, spent: float, budget: float) -> bool:
        self.calls.append((spent, budget))
        return self.answers.pop(0)


@pytest.mark.parametrize("text", ["0", "0.0", "$0", " 0.00 "])
def test_zero_is_a_cap_not_off(text: str) -> None:
    assert parse_budget(text) == 0.0


@pytest.mark.parametrize("text", ["off", "none", "OFF", "unset"])
def test_words_remove_the_cap(text: str) -> None:
    assert parse_budget(text) is None


def test_a_zero_cap_is_reached_from_the_start() -> None:
    guard = BudgetGuard(None)
    line = guard.set_budget(parse_budget("0"))
    assert line == "Budget set to $0.00: every request asks for your confirmation (/budget off removes it)."
    assert guard.budget == 0.0
    assert "$0.00 of $0.00" in guard.summary()
    assert UsageLedger(budget_usd=0.0).budget_status() == "exceeded"
    assert guard.set_budget(parse_budget("off")) == "Budget removed: requests are no longer capped."
    assert guard.budget is None


async def test_zero_cap_asks_before_every_turn(make_rig: MakeRig) -> None:
    confirm = Confirm(True, False)
    rig = make_rig("anthropic", budget_usd=5.0, confirm=confirm)
    assert rig.step.budget is not None
    rig.step.budget.set_budget(parse_budget("0"))
    rig.queue_text("fine")
    assert await rig.turn("one") == "end_turn"
    assert confirm.calls == [(0.0, 0.0)]
    assert await rig.turn("two") == "error"  # asked again, and "no" sends nothing
    assert len(confirm.calls) == 2 and len(rig.bodies()) == 1
