"""Short human-readable figures shared by every widget: tokens, money, durations, percentages.

Kept free of Textual so the formatting rules can be tested (and reused by `/stats`) on their own.
"""

from __future__ import annotations

import json
from typing import Any

UNPRICED = "unpriced"


def tokens(count: int | float | None) -> str:
    """``950`` -> "950", ``12_345`` -> "12.3k", ``123_456`` -> "123k", ``1_234_567`` -> "1.23M"."""
    if count is None:
        return "–"
    n = float(count)
    sign = "-" if n < 0 else ""
    n = abs(n)
    if n < 1000:
        return f"{sign}{int(round(n))}"
    for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= divisor * 0.9995 or suffix == "k":
            scaled = n / divisor
            # Three significant digits at most; rounding 999.95k up to "1000k" reads badly, so bump the unit.
            if scaled >= 999.5 and suffix != "B":
                continue
            if scaled >= 100:
                text = f"{scaled:.0f}"
            elif scaled >= 10:
                text = f"{scaled:.1f}"
            else:
                text = f"{scaled:.2f}" if suffix != "k" else f"{scaled:.1f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}{text}{suffix}"
    return f"{sign}{int(n)}"  # pragma: no cover - loop always returns


def estimated_tokens(count: int | float | None, estimated: bool) -> str:
    """Token figure marked as an estimate while a reply streams: "~1.2k"."""
    text = tokens(count)
    return f"~{text}" if estimated and count is not None else text


def money(usd: float | None, *, unpriced: str = UNPRICED) -> str:
    """``None`` -> "unpriced"; below one cent keeps four decimals ("$0.0123") so small turns stay visible;
    otherwise cents ("$1.23"), thousands separated ("$1,234.50")."""
    if usd is None:
        return unpriced
    if usd == 0:
        return "$0.00"
    sign = "-" if usd < 0 else ""
    value = abs(usd)
    if value < 0.0001:
        return f"{sign}<$0.0001" if not sign else f"{sign}$0.0001"
    if value < 1:
        return f"{sign}${value:.4f}"
    return f"{sign}${value:,.2f}"


def duration(seconds: float | None) -> str:
    """``0.35`` -> "350ms", ``2.4`` -> "2.4s", ``65`` -> "1m05s", ``3725`` -> "1h02m"; ``None`` -> ""."""
    if seconds is None:
        return ""
    s = max(0.0, float(seconds))
    if s < 1:
        return f"{s * 1000:.0f}ms"
    if s < 60:
        return f"{s:.1f}s"
    total = int(round(s))
    if total < 3600:
        minutes, secs = divmod(total, 60)
        return f"{minutes}m{secs:02d}s"
    hours, rest = divmod(total, 3600)
    return f"{hours}h{rest // 60:02d}m"


def percent(fraction: float | None) -> str:
    """``0.4567`` -> "46%"; ``None`` -> "–"."""
    if fraction is None:
        return "–"
    return f"{fraction * 100:.0f}%"


def pretty_json(value: Any) -> str:
    """Indented JSON for display; anything not JSON-able falls back to ``str``."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str, sort_keys=False)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, saying how much was left out (keeps huge results cheap)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit:,} more characters)"
