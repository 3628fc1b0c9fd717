"""Pricing: our usage convention (input excludes cache) against genai-prices' data, and overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from genai_prices.data_snapshot import get_snapshot
from genai_prices.types import TieredPrices

from flux_tui.core import pricing
from flux_tui.core.pricing import PriceOverride

pytestmark = pytest.mark.usefixtures("clean_pricing")


def _rates(provider_id: str, model: str) -> dict[str, Decimal | TieredPrices | None]:
    """Per-million prices straight from genai-prices' bundled data, as of now."""
    _, info = get_snapshot().find_provider_model(model, None, provider_id, None)
    prices = info.get_prices(datetime.now(tz=UTC))
    return {
        key: getattr(prices, key)
        for key in ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok")
    }


def _rate(price: Decimal | TieredPrices | None, prompt_tokens: int) -> Decimal:
    """The rate that applies, given the request's whole prompt size (tiers count all input tokens)."""
    if price is None:
        return Decimal(0)
    if isinstance(price, TieredPrices):
        rate = price.base
        for tier in price.tiers:
            if prompt_tokens > tier.start:
                rate = tier.price
        return rate
    return price


def _expected(provider_id: str, model: str, usage: dict[str, int]) -> float:
    rates = _rates(provider_id, model)
    prompt = usage["input_tokens"] + usage.get("cache_read_tokens", 0) + usage.get("cache_write_tokens", 0)
    total = (
        usage["input_tokens"] * _rate(rates["input_mtok"], prompt)
        + usage.get("cache_read_tokens", 0) * _rate(rates["cache_read_mtok"], prompt)
        + usage.get("cache_write_tokens", 0) * _rate(rates["cache_write_mtok"], prompt)
        + usage["output_tokens"] * _rate(rates["output_mtok"], prompt)
    )
    return float(total / 1_000_000)


def test_anthropic_with_cache_reads_and_writes() -> None:
    # As Anthropic reports it: input_tokens excludes the 40k read from and 3k written to the cache.
    usage = {
        "input_tokens": 1_200,
        "cache_read_tokens": 40_000,
        "cache_write_tokens": 3_000,
        "output_tokens": 800,
    }
    cost = pricing.price_usage("anthropic", "claude-sonnet-4-6", usage)
    assert cost == pytest.approx(_expected("anthropic", "claude-sonnet-4-6", usage))
    # The same numbers by hand from the published rates ($3 in, $0.30 read, $3.75 write, $15 out):
    assert cost == pytest.approx((1_200 * 3 + 40_000 * 0.3 + 3_000 * 3.75 + 800 * 15) / 1e6)
    # Dated model ids resolve to the same prices.
    assert pricing.price_usage("anthropic", "claude-sonnet-4-5-20250929", usage) == pytest.approx(
        _expected("anthropic", "claude-sonnet-4-5", usage)
    )


def test_tier_is_chosen_by_the_whole_prompt_including_cache() -> None:
    # 150k fresh + 100k cached = 250k prompt: above claude-sonnet-4-5's 200k tier for every part.
    usage = {
        "input_tokens": 150_000,
        "cache_read_tokens": 100_000,
        "cache_write_tokens": 0,
        "output_tokens": 1_000,
    }
    rates = _rates("anthropic", "claude-sonnet-4-5")
    assert isinstance(rates["input_mtok"], TieredPrices)
    assert rates["input_mtok"].tiers[0].start == 200_000
    cost = pricing.price_usage("anthropic", "claude-sonnet-4-5", usage)
    assert cost == pytest.approx(_expected("anthropic", "claude-sonnet-4-5", usage))
    base = (150_000 * 3 + 100_000 * 0.3 + 1_000 * 15) / 1e6
    assert cost is not None and cost > base


def test_openai_cached_prompt_tokens() -> None:
    # OpenAI said prompt_tokens=5000 with cached_tokens=4000: the provider normalises input to 1000.
    usage = {"input_tokens": 1_000, "cache_read_tokens": 4_000, "cache_write_tokens": 0, "output_tokens": 300}
    cost = pricing.price_usage("openai", "gpt-4o-2024-08-06", usage)
    assert cost == pytest.approx(_expected("openai", "gpt-4o", usage))
    assert cost == pytest.approx((1_000 * 2.5 + 4_000 * 1.25 + 300 * 10) / 1e6)
    assert pricing.price_usage("openai", "gpt-5.5", usage) == pytest.approx(
        _expected("openai", "gpt-5.5", usage)
    )


def test_zero_usage_of_a_priced_model_costs_zero_not_none() -> None:
    assert pricing.price_usage("openai", "gpt-4o", {}) == 0.0


@pytest.mark.parametrize(
    ("kind", "model"),
    [("openai", "llama3.1:8b"), ("anthropic", "claude-from-the-future-99"), ("no-such-kind", "gpt-4o")],
)
def test_unknown_models_are_unpriced(kind: str, model: str) -> None:
    usage = {"input_tokens": 10, "output_tokens": 10}
    assert pricing.price_usage(kind, model, usage) is None
    assert pricing.is_priced(kind, model) is False
    assert pricing.context_window(kind, model) is None


def test_named_provider_found_by_url_or_name() -> None:
    usage = {"input_tokens": 1_000, "output_tokens": 1_000}
    by_url = pricing.price_usage(
        "openai",
        "anthropic/claude-sonnet-4.5",
        usage,
        provider_name="router",
        base_url="https://openrouter.ai/api/v1",
    )
    by_name = pricing.price_usage("openai", "anthropic/claude-sonnet-4.5", usage, provider_name="openrouter")
    assert by_url is not None and by_url > 0
    assert by_name == by_url
    # A gateway on another (non-local) URL still gets its kind's prices for a known model.
    gateway = "https://llm-gateway.example.com"
    assert pricing.price_usage("anthropic", "claude-sonnet-4-6", usage, base_url=gateway) == (
        pricing.price_usage("anthropic", "claude-sonnet-4-6", usage)
    )


def test_context_windows_from_genai_prices() -> None:
    assert pricing.context_window("anthropic", "claude-sonnet-4-5") == 200_000
    assert pricing.context_window("openai", "gpt-4o") == 128_000


def test_overrides_price_unknown_models_and_win_over_genai_prices() -> None:
    usage = {"input_tokens": 2_000_000, "cache_read_tokens": 1_000_000, "output_tokens": 500_000}
    pricing.set_overrides(
        models={
            "My-Local-Model": PriceOverride(input=1.0, output=4.0, cache_read=0.1, context_window=16_384),
            "gpt-4o": PriceOverride(input=0.0, output=0.0),
            "window-only": PriceOverride(context_window=8_192),
        },
        providers={"ollama": PriceOverride(input=0.5, output=0.5, context_window=4_096)},
    )
    assert pricing.price_usage("openai", "my-local-model", usage) == pytest.approx(2 + 0.1 + 2)
    assert pricing.context_window("openai", "my-local-model") == 16_384
    assert pricing.price_usage("openai", "gpt-4o", usage) == 0.0
    # Provider-wide prices; cache reads default to the input price.
    assert pricing.price_usage("openai", "anything", usage, provider_name="ollama") == pytest.approx(
        1 + 0.5 + 0.25
    )
    assert pricing.context_window("openai", "anything", provider_name="ollama") == 4_096
    # A model entry with only a window does not make it priced.
    assert pricing.price_usage("openai", "window-only", usage) is None
    assert pricing.context_window("openai", "window-only") == 8_192
    pricing.clear_overrides()
    assert pricing.price_usage("openai", "my-local-model", usage) is None
    assert pricing.price_usage("openai", "gpt-4o", usage) != 0.0
