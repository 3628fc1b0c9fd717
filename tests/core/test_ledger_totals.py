"""``UsageTotals.of`` sums field by field; its figures are those of adding the replies one by one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flux_tui.core.ledger import TOKEN_KEYS, UsageEntry, UsageTotals

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
