"""What a provider that cannot be used tells the user: the providers ready now when there are some (one
key set, not the chosen provider's), else how to set any provider up (every key variable named)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from flux_tui.core.agent import Agent
from flux_tui.core.config import Config
from flux_tui.core.errors import ConfigError
from flux_tui.core.transcript import Transcript
from flux_tui.services.providers import ProviderService

MakeConfig = Callable[..., Config]


def switched_to_anthropic(config: Config) -> tuple[ProviderService, Agent, str | None]:
    service = ProviderService(config, Transcript())
    agent = Agent(service.build(service.resolve("openai")))
    return service, agent, service.switch(agent, "anthropic")


def test_a_switch_to_a_provider_without_its_key_names_that_key_and_the_ready_ones(
    make_config: MakeConfig,
) -> None:
    _service, agent, warning = switched_to_anthropic(make_config(keys=False, openai_api_key="k"))
    assert agent.provider.name == "anthropic"
    assert warning == (
        "ANTHROPIC_API_KEY is required for Anthropic provider. Set it before starting flux-tui, or in "
        "flux.toml; or go on with a provider that is ready: openai (/provider)."
    )
    # the key variables of providers the user did not pick are not offered as the fix
    assert "OPENAI_API_KEY" not in warning and "GEMINI_API_KEY" not in warning


def test_sending_on_a_provider_without_its_key_says_the_same(make_config: MakeConfig) -> None:
    _service, agent, warning = switched_to_anthropic(make_config(keys=False, openai_api_key="k"))
    with pytest.raises(ConfigError) as refused:
        asyncio.run(agent.provider.ensure())  # type: ignore[attr-defined]
    assert str(refused.value) == warning


def test_with_no_provider_ready_every_key_variable_is_named(make_config: MakeConfig) -> None:
    # a local OpenAI-compatible server takes no key: the OpenAI provider here is a remote one
    config = make_config(keys=False, openai_base_url="https://api.example.com/v1")
    service = ProviderService(config, Transcript())
    with pytest.raises(ConfigError) as refused:
        asyncio.run(service.build(service.resolve("anthropic")).ensure())
    message = str(refused.value)
    assert message.startswith("ANTHROPIC_API_KEY is required for Anthropic provider. Set ")
    for variable in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY"):
        assert variable in message.split(". ", 1)[1]
    assert "OPENAI_BASE_URL" in message  # a local server is the other way to start


def test_a_provider_missing_its_url_offers_the_ready_ones_without_a_key_fix(make_config: MakeConfig) -> None:
    config = make_config(openai_api_key="k", anthropic_base_url="ftp://nowhere")
    service = ProviderService(config, Transcript())
    agent = Agent(service.build(service.resolve("openai")))
    warning = service.switch(agent, "anthropic")
    assert warning is not None and "ANTHROPIC_BASE_URL" in warning
    assert warning.endswith(". Or go on with a provider that is ready: openai (/provider).")
