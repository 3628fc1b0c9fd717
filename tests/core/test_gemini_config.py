"""Gemini configured from its declaration: its key variables, base URL, models, and the plan's call."""

from __future__ import annotations

import pytest
from core_sandbox import ConfigEnv

from flux_tui.core.config import load_config
from flux_tui.core.errors import ConfigError
from flux_tui.llm.gemini_provider import GeminiProvider
from flux_tui.llm.provider_factory import create_provider


@pytest.fixture
def env(cfg_env: ConfigEnv, monkeypatch: pytest.MonkeyPatch) -> ConfigEnv:
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return cfg_env


def test_only_a_gemini_key_and_flux_provider_gemini(env: ConfigEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-gemini-key-123456")
    monkeypatch.setenv("FLUX_PROVIDER", "gemini")
    config, problems = load_config()
    assert problems == []
    assert "gemini" in config.provider_names()
    resolved = config.provider_settings("gemini")
    assert (resolved.kind, resolved.model, resolved.missing) == ("gemini", "gemini-2.5-flash", None)
    assert resolved.api_key_env == "GEMINI_API_KEY"
    assert "gemini-2.5-pro" in resolved.models
    provider = create_provider(config)
    assert isinstance(provider, GeminiProvider) and provider.settings.api_key == "AIza-gemini-key-123456"
    missing = config.provider_settings("anthropic").missing
    assert missing == "ANTHROPIC_API_KEY is required for Anthropic provider"


def test_google_api_key_and_the_base_url_variable(env: ConfigEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "AIza-google-key-123456")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9/")
    config, _ = load_config()
    resolved = config.provider_settings("gemini")
    assert (resolved.api_key, resolved.api_key_env) == ("AIza-google-key-123456", "GOOGLE_API_KEY")
    assert resolved.base_url == "http://127.0.0.1:9/"


def test_the_providers_table_configures_it(env: ConfigEnv) -> None:
    env.local_toml(
        "[providers.gemini]\n"
        'base_url = "https://gateway.example/gemini"\n'
        'api_key_env = "MY_GEMINI"\n'
        'model = "gemini-2.5-pro"\n'
        "settings = { include_thoughts = false }\n"
    )
    env.monkeypatch.setenv("MY_GEMINI", "AIza-mine-123456")
    config, problems = load_config()
    assert problems == []
    resolved = config.provider_settings("gemini")
    assert resolved.base_url == "https://gateway.example/gemini"
    assert (resolved.api_key, resolved.model) == ("AIza-mine-123456", "gemini-2.5-pro")
    assert resolved.options == {"include_thoughts": False}


def test_a_missing_key_names_both_variables(env: ConfigEnv) -> None:
    config, _ = load_config(provider="gemini")
    message = "GEMINI_API_KEY (or GOOGLE_API_KEY) is required for Gemini provider"
    assert config.provider_settings("gemini").missing == message
    with pytest.raises(ConfigError, match=r"GEMINI_API_KEY \(or GOOGLE_API_KEY\) is required"):
        create_provider(config)
