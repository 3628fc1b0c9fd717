"""``UsageTotals.of`` sums field by field, and the ledger keeps the totals of all replies but the last;
the figures are those of adding the replies one by one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flux_tui.core.agent_events import UsageReported
from flux_tui.core.ledger import TOKEN_KEYS, UsageEntry, UsageLedger, UsageTotals

entries = st.builds(
    UsageEntry,
    provider=st.sampled_from(["anthropic", "openai"]),
    model=st.sampled_from(["a", "b"]),
    input_tokens=st.integers(0, 10**6),
    output_tokens=st.integers(0, 10**6),
    cache_read_tokens=st.integers(0, 10**6),
    cache_write_tokens=st.integers(0, 10**6),
    reasoning_tokens=st.integers(0, 10**6),
    cache_write_1h_tokens=st.integers(0, 10**6),
    cost=st.one_of(st.none(), st.just(0.0), st.floats(0, 10, allow_nan=False)),
    estimated=st.booleans(),
)


def one_by_one(replies: list[UsageEntry]) -> UsageTotals:
    totals = UsageTotals()
    priced = False
    cost = 0.0
    for entry in replies:
        for key in TOKEN_KEYS:
            setattr(totals, key, getattr(totals, key) + getattr(entry, key))
        totals.replies += 1
        totals.estimated = totals.estimated or entry.estimated
        if entry.cost is None:
            name = f"{entry.provider}:{entry.model}"
            if name not in totals.unpriced_models:
                totals.unpriced_models.append(name)
        else:
            priced = True
            cost += entry.cost
    totals.cost = cost if priced or not totals.unpriced_models else None
    return totals


@given(st.lists(entries, max_size=30))
def test_totals_are_the_replies_added_one_by_one(replies: list[UsageEntry]) -> None:
    assert UsageTotals.of(replies) == one_by_one(replies)


def _report(draw: st.DrawFn) -> UsageReported:
    return UsageReported(
        provider=draw(st.sampled_from(["anthropic", "openai"])),
        model=draw(st.sampled_from(["a", "b"])),
        cost=draw(st.one_of(st.none(), st.floats(0, 1, allow_nan=False))),
        input_cost=None,
        cache_saved=0.0,
        estimated=draw(st.booleans()),
        settled=draw(st.booleans()),
        input_tokens=draw(st.integers(0, 1000)),
        output_tokens=draw(st.integers(0, 1000)),
        cache_read_tokens=0,
        cache_write_tokens=0,
        reasoning_tokens=0,
        cache_write_1h_tokens=0,
    )


@given(st.data())
def test_the_ledger_totals_are_those_of_its_entries(data: st.DataObject) -> None:
    """Whatever reports replace or add, and entries added to the public list behind its back."""
    ledger = UsageLedger()
    for _ in range(data.draw(st.integers(1, 40))):
        op = data.draw(st.sampled_from(["report", "report", "report", "start", "end", "append", "clear"]))
        if op == "report":
            ledger.record(_report(data.draw))
        elif op == "start":
            ledger.start_turn()
        elif op == "end":
            ledger.end_turn()
        elif op == "append":  # behind the ledger's back
            ledger.entries.append(data.draw(entries))
        elif op == "clear":
            ledger.reset()
        groups: dict[tuple[str, str], list[UsageEntry]] = {}
        for entry in ledger.entries:
            groups.setdefault((entry.provider, entry.model), []).append(entry)
        assert ledger.session == one_by_one(ledger.entries)
        assert ledger.by_model() == {key: one_by_one(group) for key, group in groups.items()}
        assert list(ledger.by_model()) == list(groups)
