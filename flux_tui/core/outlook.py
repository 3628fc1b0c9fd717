"""Two figures beside the context gauge: what the cache has saved, and what the next request's input
will cost.

Cache savings: the difference, at list price, between the cache reads as priced and the same tokens
priced as fresh input (``UsageReported.cache_saved``, summed over the session). The next request
carries the whole context again (the last prompt plus the reply, which becomes history). To the model
of the last request, its input cost is projected at that request's effective input price per token (its
``input_cost`` over its prompt tokens: cached tokens included at their cheaper rate). To another model
(after a switch), whose cache holds none of it, at that model's list price for fresh input.
"""

from __future__ import annotations

from flux_tui.core.ledger import UsageLedger


def cache_savings(ledger: UsageLedger) -> float:
    return sum(entry.cache_saved for entry in ledger.entries)


def next_input_cost(ledger: UsageLedger, model: tuple[str, str], input_price: float | None) -> float | None:
    """Projected input cost of the next request, sent to ``model`` (provider, model), whose fresh input
    costs ``input_price`` a token (None: unpriced, or not known yet); None before any request, or when
    the next one cannot be priced."""
    if not ledger.entries:
        return None
    last = ledger.entries[-1]
    prompt = last.input_tokens + last.cache_read_tokens + last.cache_write_tokens
    tokens = prompt + last.output_tokens
    if (last.provider, last.model) == model and last.input_cost is not None and prompt > 0:
        return last.input_cost / prompt * tokens
    if input_price is None or tokens <= 0:
        return None
    return input_price * tokens
