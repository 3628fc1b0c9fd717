"""Prices and context windows of models: a thin layer over ``genai-prices`` plus the user's overrides.

Conventions. Our normalised usage (``core.events.UsageEvent``) counts ``input_tokens`` WITHOUT cache
reads and writes (Anthropic's convention). genai-prices counts ``input_tokens`` as ALL input tokens and
prices cache reads/writes as sub-parts of them (its ``decompose`` subtracts them back out), and its
tiered prices (e.g. above 200k tokens) are chosen by that total. So we add the cache tokens back in
before asking it. ``reasoning_tokens`` are already part of ``output_tokens`` and are not priced again.

genai-prices is imported lazily (its data module takes ~150 ms to import) and never updated from the
network: we do not start its ``UpdatePrices``, so the bundled snapshot is the only source.

Lookup order for a price: ``[models."ID"]`` override, then the named provider's ``prices``, then
genai-prices (by the endpoint URL, then the provider name, then the provider kind's declared
``pricing_id``). An unknown model is *unpriced*: ``None``, never 0 and never an exception. A model served
from this machine or the local network (``localhost:1234``, ``192.168.1.5``...) is priced as from its
real API, since such a URL in front of ``claude-sonnet-4-6`` or ``gpt-4o`` is a gateway or a proxy to it,
except the open-weights models its kind declares (``gpt-oss-20b`` under OpenAI, ``gemma`` under Google):
a local server runs those at no list price, so they are unpriced there; ``flux.toml`` prices them
(``prices = { input = 0, output = 0 }`` says they are free), and ``price_at_list(base_url)`` names a
gateway whose open-weights models are the real API's.

Anthropic's 1-hour cache writes (``cache_write_1h_tokens``, a part of ``cache_write_tokens``) are priced
at their own rate.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flux_tui.core.providers import is_local_url

if TYPE_CHECKING:
    from flux_tui.core.providers import ProviderSettings

log = logging.getLogger(__name__)

_PER_MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class PriceOverride:
    """User-given facts about a model (or every model of a provider). Prices are USD per 1M tokens."""

    input: float | None = None
    output: float | None = None
    cache_read: float | None = None  # None: priced as input
    cache_write: float | None = None  # None: priced as input
    context_window: int | None = None

    @property
    def priced(self) -> bool:
        return self.input is not None and self.output is not None

    def cost(self, usage: Mapping[str, int]) -> float:
        input_price = self.input or 0.0
        read = self.cache_read if self.cache_read is not None else input_price
        write = self.cache_write if self.cache_write is not None else input_price
        total = (
            _get(usage, "input_tokens") * input_price
            + _get(usage, "cache_read_tokens") * read
            + _get(usage, "cache_write_tokens") * write
            + _get(usage, "output_tokens") * (self.output or 0.0)
        )
        return total / _PER_MILLION


_model_overrides: dict[str, PriceOverride] = {}
_provider_overrides: dict[str, PriceOverride] = {}
# Input token limits an endpoint states in its model list (Gemini's ``inputTokenLimit``), by
# (provider name, model): the endpoint knows what it serves, genai-prices may not list the model.
_listed_windows: dict[tuple[str, str], int] = {}


def note_listed_windows(provider_name: str, windows: Mapping[str, int]) -> None:
    """What ``provider_name``'s endpoint says its models take (a provider calls this as it lists them)."""
    for model, window in windows.items():
        if window > 0:
            _listed_windows[(provider_name, model.lower())] = int(window)


def forget_listed_windows() -> None:
    _listed_windows.clear()


def set_overrides(
    models: Mapping[str, PriceOverride] | None = None,
    providers: Mapping[str, PriceOverride] | None = None,
) -> None:
    """Replace the user's overrides (``Config`` calls this from ``load_config``).

    ``models`` is keyed by model id (case-insensitive), ``providers`` by provider name.
    """
    _model_overrides.clear()
    _model_overrides.update({k.lower(): v for k, v in (models or {}).items()})
    _provider_overrides.clear()
    _provider_overrides.update(providers or {})
    _lookup.cache_clear()


def clear_overrides() -> None:
    set_overrides(None, None)


def _get(usage: Mapping[str, Any], key: str) -> int:
    value = usage.get(key) or 0
    return max(int(value), 0)


def _override_for(model: str, provider_name: str | None) -> PriceOverride | None:
    found = _model_overrides.get(model.lower())
    if found is not None and found.priced:
        return found
    if provider_name is not None:
        found = _provider_overrides.get(provider_name)
        if found is not None and found.priced:
            return found
    return None


_list_priced_netlocs: set[str] = set()


def _netloc(base_url: str) -> tuple[str, str]:
    """(host, host:port) of a URL, lower case; empty strings when it cannot be parsed."""
    try:
        parts = urlsplit(base_url if "//" in base_url else f"//{base_url}")
        return (parts.hostname or "").lower(), parts.netloc.lower()
    except ValueError:
        return "", ""


def price_at_list(base_url: str, enabled: bool = True) -> None:
    """Price the models of a local ``base_url`` at their list prices (a gateway to the real API)."""
    netloc = _netloc(base_url)[1]
    if enabled:
        _list_priced_netlocs.add(netloc)
    else:
        _list_priced_netlocs.discard(netloc)


def _served_free(provider_kind: str, model: str, base_url: str | None) -> bool:
    """An open-weights model served from this machine or the local network: no list price applies."""
    if not is_local_url(base_url) or _netloc(base_url or "")[1] in _list_priced_netlocs:
        return False
    from flux_tui.core.provider_registry import is_open_weights

    return is_open_weights(provider_kind, model)


@lru_cache(maxsize=256)
def _lookup(provider_kind: str, model: str, provider_name: str | None, base_url: str | None) -> Any:
    """(genai provider, genai model) for our names, or None. Cached: called on every usage event."""
    try:
        from genai_prices import data_snapshot
    except ImportError:  # pragma: no cover - it is a dependency, but pricing must never crash the app
        log.warning("genai-prices is not installed: every model is unpriced")
        return None
    snapshot = data_snapshot.get_snapshot()
    attempts: list[dict[str, str]] = []
    if base_url:
        attempts.append({"provider_api_url": base_url})
    if provider_name and provider_name != provider_kind:
        attempts.append({"provider_id": provider_name})
    from flux_tui.core.provider_registry import pricing_id

    attempts.append({"provider_id": pricing_id(provider_kind)})
    for attempt in attempts:
        try:
            return snapshot.find_provider_model(
                model, None, attempt.get("provider_id"), attempt.get("provider_api_url")
            )
        except LookupError:
            continue
        except Exception:  # its matching logic is data-driven; a surprise there must not break a turn
            log.debug("genai-prices lookup failed for %s %s", provider_kind, model, exc_info=True)
    return None


def price_usage(
    provider_kind: str,
    model: str,
    usage: Mapping[str, int],
    *,
    provider_name: str | None = None,
    base_url: str | None = None,
) -> float | None:
    """Cost in USD of one reply's usage, or None when the model is unpriced.

    ``usage`` has our normalised keys: ``input_tokens`` (excluding cache), ``cache_read_tokens``,
    ``cache_write_tokens``, ``output_tokens``. ``provider_name`` (e.g. "openrouter") and ``base_url``
    help find the right price list for named providers; both are optional.
    """
    override = _override_for(model, provider_name)
    if override is not None:
        return override.cost(usage)
    if _served_free(provider_kind, model, base_url):
        return None
    found = _lookup(provider_kind, model, provider_name, base_url)
    if found is None:
        return None
    provider, model_info = found
    cache_read = _get(usage, "cache_read_tokens")
    cache_write = _get(usage, "cache_write_tokens")
    cache_write_1h = min(_get(usage, "cache_write_1h_tokens"), cache_write)
    try:
        from genai_prices.types import Usage

        genai_usage = Usage(
            input_tokens=_get(usage, "input_tokens") + cache_read + cache_write,
            cache_read_tokens=cache_read,
            cache_write_tokens=cache_write,
            cache_write_1h_tokens=cache_write_1h,
            output_tokens=_get(usage, "output_tokens"),
        )
        result = model_info.calc_price(genai_usage, provider, genai_request_timestamp=datetime.now(tz=UTC))
    except Exception:
        log.debug("genai-prices could not price %s %s", provider_kind, model, exc_info=True)
        return None
    return float(result.total_price)


def input_price(
    provider_kind: str, model: str, *, provider_name: str | None = None, base_url: str | None = None
) -> float | None:
    """USD per fresh (uncached) input token of the model, at its first tier; None when unpriced."""
    # A thousand tokens: a price list with tiers picks its tier by the request's size.
    cost = price_usage(
        provider_kind, model, {"input_tokens": 1000}, provider_name=provider_name, base_url=base_url
    )
    return None if cost is None else cost / 1000


def context_window(
    provider_kind: str,
    model: str,
    *,
    provider_name: str | None = None,
    base_url: str | None = None,
) -> int | None:
    """Input token limit of the model: the user's override first, then what the provider's endpoint
    listed, then genai-prices; None when unknown."""
    override = _model_overrides.get(model.lower())
    if override is not None and override.context_window:
        return override.context_window
    if provider_name is not None:
        override = _provider_overrides.get(provider_name)
        if override is not None and override.context_window:
            return override.context_window
        listed = _listed_windows.get((provider_name, model.lower()))
        if listed is not None:
            return listed
    found = _lookup(provider_kind, model, provider_name, base_url)
    if found is None:
        return None
    window = found[1].context_window
    return int(window) if window else None


def settings_context_window(settings: ProviderSettings) -> int | None:
    """``context_window`` of the provider ``settings`` describe, its endpoint's URL included: what its
    requests are fitted into is what the sidebar shows."""
    return context_window(
        settings.kind, settings.model, provider_name=settings.name, base_url=settings.base_url
    )


def is_priced(
    provider_kind: str, model: str, *, provider_name: str | None = None, base_url: str | None = None
) -> bool:
    """Whether ``price_usage`` would return a number for this model."""
    if _override_for(model, provider_name) is not None:
        return True
    if _served_free(provider_kind, model, base_url):
        return False
    return _lookup(provider_kind, model, provider_name, base_url) is not None
