"""The plan's factory call, ``create_provider(config)``, and one description of a resolved provider."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from llm_support import collect, texts

from flux_tui.core import pricing
from flux_tui.core.config import DEFAULT_ANTHROPIC_MODEL, ResolvedProvider, load_config
from flux_tui.core.errors import ConfigError
from flux_tui.core.providers import ProviderSettings
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.llm import base_provider
from flux_tui.llm.anthropic_provider import AnthropicProvider
from flux_tui.llm.openai_provider import OpenAIProvider
from flux_tui.llm.provider_factory import create_provider

_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    yield tmp_path
    pricing.clear_overrides()


def test_the_plans_call_builds_the_configured_provider(clean_env: Path) -> None:
    config, problems = load_config(anthropic_api_key="sk-ant-test-key")
    assert problems == []
    provider = create_provider(config)
    assert isinstance(provider, AnthropicProvider)
    assert provider.model == DEFAULT_ANTHROPIC_MODEL
    assert provider.settings.api_key == "sk-ant-test-key"


def test_the_plans_call_follows_provider_and_model(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUX_PROVIDER", "openai")
    monkeypatch.setenv("FLUX_MODEL", "gpt-4.1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-test-key")
    config, _ = load_config()
    provider = create_provider(config)
    assert isinstance(provider, OpenAIProvider)
    assert (provider.name, provider.model) == ("openai", "gpt-4.1")


def test_the_plans_call_refuses_a_missing_key_with_the_plans_message(clean_env: Path) -> None:
    config, _ = load_config()
    with pytest.raises(ConfigError) as info:
        create_provider(config)
    assert str(info.value) == "ANTHROPIC_API_KEY is required for Anthropic provider"


async def test_context_pruning_can_be_turned_off(clean_env: Path, fake_api: FakeAPI) -> None:
    config, _ = load_config(anthropic_api_key="sk-ant-test-key", anthropic_base_url=fake_api.base_url)
    pricing.set_overrides({config.anthropic_model: pricing.PriceOverride(context_window=9000)})
    transcript = Transcript()
    for n in range(40):
        transcript.add_user_text(f"question {n} " + "word " * 200)
        transcript.add_assistant(
            [TextBlock(f"answer {n}")], provider="anthropic", model="m", stop_reason="end_turn"
        )
    pruned = create_provider(config, transcript)
    whole = create_provider(config, transcript, enable_context_pruning=False)
    assert len(pruned.build_request()["messages"]) < 80
    assert len(whole.build_request()["messages"]) == 80
    fake_api.queue_anthropic_text("all of it")
    assert texts(await collect(whole, "and now?")) == "all of it"
    await pruned.aclose()
    await whole.aclose()


def test_one_description_of_a_resolved_provider(clean_env: Path) -> None:
    assert ResolvedProvider is ProviderSettings is base_provider.ProviderSettings
    config, _ = load_config(anthropic_api_key="sk-ant-test-key")
    resolved = config.provider_settings("anthropic")
    provider = create_provider(resolved)
    assert provider.settings is resolved  # no second copy to drift: /model applies to the next request
