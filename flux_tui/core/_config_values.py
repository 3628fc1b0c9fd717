"""Small checks and conversions of setting values for ``config``: base URLs, price overrides, lists."""

from __future__ import annotations

from urllib.parse import urlsplit

from flux_tui.core import pricing
from flux_tui.core._config_models import Prices


def price_override(prices: Prices | None, window: int | None) -> pricing.PriceOverride:
    if prices is None:
        return pricing.PriceOverride(context_window=window)
    return pricing.PriceOverride(
        input=prices.input,
        output=prices.output,
        cache_read=prices.cache_read,
        cache_write=prices.cache_write,
        context_window=window,
    )


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a provider's base URL, or None. Only its form is checked: whether the
    host resolves or listens is for the request to find out (and worth retrying)."""
    expected = "is not a valid URL (expected http(s)://host[:port][/path])"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return expected
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return expected
    return None


def dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))
