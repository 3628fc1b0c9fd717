"""The one money format of every view: sidebar, ``/stats``, ``/budget``, sessions browser and list,
exports, headless ``flux-tui run`` and ``flux-tui compare``.

Below $1, four decimals ("$0.0248", "$0.5000") so that small turns stay visible and the same figure
reads the same everywhere; from $1, cents with thousands separated ("$1,234.50"). ``None`` is
"unpriced" (never $0). A ``~`` in front marks a figure that holds estimates (a reply that streamed or
ended without the provider's figures); a ``+`` after it, a sum that leaves out unpriced replies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flux_tui.core.ledger import UsageTotals

UNPRICED = "unpriced"
ESTIMATE_MARK = "~"


def usd(
    value: float | None,
    *,
    estimated: bool = False,
    partial: bool = False,
    unpriced: str = UNPRICED,
) -> str:
    """``0.0248`` -> "$0.0248"; ``estimated`` -> "~$0.0248"; ``partial`` -> "$0.0248+"."""
    if value is None:
        return unpriced
    text = _amount(value)
    if partial:
        text += "+"
    return ESTIMATE_MARK + text if estimated else text


def _amount(value: float) -> str:
    if value == 0:
        return "$0.00"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size < 0.0001:
        return f"{sign}<$0.0001"
    if size < 1:
        return f"{sign}${size:.4f}"
    return f"{sign}${size:,.2f}"


def usage_line(totals: UsageTotals) -> str:
    """One line of tokens and cost: "1,234 in · 56 out · 30,000 cache read · 0 cache write · $0.0123"."""
    cost = usd(totals.cost, estimated=totals.estimated, partial=bool(totals.unpriced_models))
    return (
        f"{totals.input_tokens:,} in · {totals.output_tokens:,} out · "
        f"{totals.cache_read_tokens:,} cache read · {totals.cache_write_tokens:,} cache write · {cost}"
    )
