"""Two figures beside the context gauge: what the cache has saved, and what the next request's input
will cost.

Cache savings: the difference, at list price, between the cache reads as priced and the same tokens
priced as fresh input (``UsageReported.cache_saved``, summed over the session). The next request
carries the whole context again (the last prompt plus the reply, which becomes history), so its input
cost is projected at the last request's effective input price per token (its ``input_cost`` over its
prompt tokens: cached tokens included at their cheaper rate).
"""

from __future__ import annotations

from flux_tui.core.ledger import UsageLedger


def cache_savings(ledger: UsageLedger) -> float:
    return sum(entry.cache_saved for entry in ledger.entries)


def next_input_cost(ledger: UsageLedger) -> float | None:
    """Projected input cost of the next request; None before any priced request."""
    for entry in reversed(ledger.entries):
        if entry.input_cost is None:
            continue
        prompt = entry.input_tokens + entry.cache_read_tokens + entry.cache_write_tokens
        if prompt <= 0:
            return None
        return entry.input_cost / prompt * (prompt + entry.output_tokens)
    return None
