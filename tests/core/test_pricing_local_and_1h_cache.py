"""Pricing on local URLs (open-weights models unpriced unless flux.toml prices them; any other model of the
kind is its real API behind a gateway, at list prices) and of Anthropic's 1-hour cache writes."""

from __future__ import annotations

import pytest

from flux_tui.core import pricing
from flux_tui.core.pricing import PriceOverride

pytestmark = pytest.mark.usefixtures("clean_pricing")

USAGE = {"input_tokens": 1_000_000, "output_tokens": 1_000_000}


@pytest.mark.parametrize(
    "base_url",
    [
        "http://localhost:1234/v1",
        "http://127.0.0.1:8080/v1",
        "http://192.168.1.20:11434/v1",
        "http://[::1]:8000/v1",
        "http://gpu-box.local:8000/v1",
    ],
)
def test_an_open_weights_model_on_a_local_server_is_unpriced(base_url: str) -> None:
    # gpt-oss-20b is in genai-prices under OpenAI; served by LM Studio it has no list price.
    assert pricing.price_usage("openai", "gpt-oss-20b", USAGE) is not None
    assert pricing.price_usage("openai", "gpt-oss-20b", USAGE, base_url=base_url) is None
    assert pricing.is_priced("openai", "gpt-oss-20b", base_url=base_url) is False


@pytest.mark.parametrize(
    ("kind", "model"),
    [
        ("anthropic", "claude-sonnet-4-6"),
        ("openai", "gpt-4o"),
        ("gemini", "gemini-2.5-flash"),
    ],
)
@pytest.mark.parametrize("base_url", ["http://127.0.0.1:4000", "http://localhost:8080/v1"])
def test_a_closed_model_on_a_local_url_is_the_real_api_behind_a_gateway(
    kind: str, model: str, base_url: str
) -> None:
    listed = pricing.price_usage(kind, model, USAGE)
    assert listed is not None and listed > 0
    assert pricing.price_usage(kind, model, USAGE, base_url=base_url) == listed
    assert pricing.is_priced(kind, model, base_url=base_url) is True


@pytest.mark.parametrize("model", ["gpt-oss:20b", "openai/gpt-oss-120b", "GPT-OSS-20B"])
def test_open_weights_are_known_by_the_names_local_servers_give_them(model: str) -> None:
    assert pricing.is_priced("openai", model, base_url="http://localhost:1234/v1") is False


def test_a_kind_without_open_weights_declared_prices_every_model_it_knows() -> None:
    assert pricing.is_priced("anthropic", "claude-haiku-4-5", base_url="http://127.0.0.1:1234") is True


def test_flux_toml_prices_a_local_server_or_says_it_is_free() -> None:
    local = "http://localhost:1234/v1"
    pricing.set_overrides(providers={"lmstudio": PriceOverride(input=0.0, output=0.0)})
    assert (
        pricing.price_usage("openai", "gpt-oss-20b", USAGE, provider_name="lmstudio", base_url=local) == 0.0
    )
    pricing.set_overrides(models={"gpt-oss-20b": PriceOverride(input=0.1, output=0.5)})
    assert pricing.price_usage("openai", "gpt-oss-20b", USAGE, base_url=local) == pytest.approx(0.6)


def test_remote_endpoints_keep_their_prices() -> None:
    assert pricing.price_usage("openai", "gpt-4o", USAGE, base_url="https://api.openai.com/v1") is not None
    assert pricing.price_usage(
        "openai", "gpt-4o", USAGE, base_url="https://llm-gateway.example.com/v1"
    ) == pricing.price_usage("openai", "gpt-4o", USAGE)


def test_a_gateway_named_as_one_prices_open_weights_at_list_prices() -> None:
    local = "http://127.0.0.1:4000"
    pricing.price_at_list(local)
    try:
        assert pricing.price_usage("openai", "gpt-oss-20b", USAGE, base_url=local + "/v1") == (
            pricing.price_usage("openai", "gpt-oss-20b", USAGE)
        )
    finally:
        pricing.price_at_list(local, enabled=False)
    assert pricing.price_usage("openai", "gpt-oss-20b", USAGE, base_url=local) is None


def test_one_hour_cache_writes_cost_their_own_rate() -> None:
    # claude-sonnet-4-6: $3.75 per million for 5-minute writes, $6 for 1-hour writes.
    five_minutes = {"cache_write_tokens": 1_000_000}
    one_hour = {"cache_write_tokens": 1_000_000, "cache_write_1h_tokens": 1_000_000}
    mixed = {"cache_write_tokens": 1_000_000, "cache_write_1h_tokens": 400_000}
    assert pricing.price_usage("anthropic", "claude-sonnet-4-6", five_minutes) == pytest.approx(3.75)
    assert pricing.price_usage("anthropic", "claude-sonnet-4-6", one_hour) == pytest.approx(6.0)
    assert pricing.price_usage("anthropic", "claude-sonnet-4-6", mixed) == pytest.approx(0.6 * 3.75 + 0.4 * 6)


def test_gemini_declares_gemma_as_open_weights() -> None:
    assert pricing.is_priced("gemini", "gemma-3-27b-it") is True
    assert pricing.is_priced("gemini", "gemma-3-27b-it", base_url="http://localhost:11434") is False
