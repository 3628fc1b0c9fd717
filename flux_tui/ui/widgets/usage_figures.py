"""The sidebar's figures of usage as text: a cost as it is known, and the last turn's tokens and cost
beside the session's."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from flux_tui.core.ledger import UsageTotals
from flux_tui.core.money import usd
from flux_tui.ui import format as fmt


def estimated_text(text: str, estimated: bool) -> str:
    """``text`` marked "~" when it is an estimate (not twice, and never on "unpriced" or a dash)."""
    return f"~{text}" if estimated and text[:1] not in ("~", "–") and text != fmt.UNPRICED else text


def cost_text(totals: UsageTotals) -> str:
    """Cost of some usage: "unpriced" when none of it is priced, a trailing "+" when part of it is not."""
    if totals.replies == 0:
        return usd(0.0)
    return usd(totals.cost, estimated=totals.estimated, partial=bool(totals.unpriced_models))


def usage_table(turn: UsageTotals, session: UsageTotals) -> Table:
    """Tokens and cost of the last turn next to the session's."""
    table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 0, 0, 1), expand=True)
    table.add_column("", style="dim", no_wrap=True, ratio=1)
    table.add_column("turn", justify="right", no_wrap=True, header_style="bold")
    table.add_column("session", justify="right", no_wrap=True, header_style="bold")
    rows = (
        ("in", "input_tokens"),
        ("out", "output_tokens"),
        ("cache rd", "cache_read_tokens"),
        ("cache wr", "cache_write_tokens"),
    )
    for label, key in rows:
        table.add_row(
            label,
            estimated_text(fmt.tokens(getattr(turn, key)), turn.estimated),
            estimated_text(fmt.tokens(getattr(session, key)), session.estimated),
        )
    table.add_row(
        Text("cost", style="bold"),
        Text(cost_text(turn), style="bold"),
        Text(cost_text(session), style="bold"),
    )
    return table
