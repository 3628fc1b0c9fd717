"""``ProviderService``: menus, resolving, building and switching providers, with no UI around it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fakeapi import FakeAPI

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent, ProviderSwitched
from flux_tui.core.config import Config
from flux_tui.core.errors import ConfigError
from flux_tui.core.pricing import settings_context_window
from flux_tui.core.transcript import Transcript
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings
from flux_tui.services.lazy_provider import LazyProvider, default_factory
from flux_tui.services.providers import ProviderService, SwitchRefused, missing_label, record_switch

MakeConfig = Callable[..., Config]


class Counting:
    """A provider factory that records what it builds."""

    def __init__(self) -> None:
        self.built: list[BaseLLMProvider] = []

    def __call__(self, settings: ProviderSettings, transcript: Transcript) -> BaseLLMProvider:
        provider = default_factory(settings, transcript)
        self.built.append(provider)
        return provider


def agent_on(service: ProviderService, name: str | None = None) -> tuple[Agent, list[AgentEvent]]:
    events: list[AgentEvent] = []
    provider = service.build(service.resolve(name)) if name else service.initial()[0]
    return Agent(provider, sinks=[events.append]), events


def switches(events: list[AgentEvent]) -> list[tuple[Any, ...]]:
    return [
        (e.previous_provider, e.previous_model, e.provider, e.model, e.reason)
        for e in events
        if isinstance(e, ProviderSwitched)
    ]


def test_menu_labels_say_what_a_provider_lacks(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(keys=False, openai_api_key="k"), Transcript())
    options = dict((name, label) for label, name in service.options())
    assert options["openai"] == "openai"
    assert options["anthropic"] == "anthropic (no key)"
    assert set(service.names()) >= {"anthropic", "openai"}
    assert missing_label("base_url is required") == "no URL"
    assert missing_label("no model configured") == "no model"
    assert missing_label(None) == ""


def test_initial_provider_falls_back_to_a_ready_one_and_says_why(make_config: MakeConfig) -> None:
    config = make_config(keys=False, openai_api_key="k", provider="anthropic")
    provider, note = ProviderService(config, Transcript()).initial()
    assert isinstance(provider, LazyProvider)
    assert provider.name == "openai"
    assert (
        note is not None
        and "using openai instead" in note
        and note.endswith("Switch with /provider or the menu.")
    )


def test_initial_provider_on_an_unknown_name(make_config: MakeConfig) -> None:
    config = make_config()
    config.provider = "nowhere"  # a loaded config corrects it: this is one built otherwise
    provider, note = ProviderService(config, Transcript()).initial()
    assert provider.name == config.provider_names()[0]
    assert note is not None and note.startswith("Unknown provider 'nowhere'.")


def test_build_is_lazy_and_build_now_is_not(make_config: MakeConfig) -> None:
    factory = Counting()
    transcript = Transcript()
    service = ProviderService(make_config(), transcript, factory)
    lazy = service.build(service.resolve("openai"))
    assert factory.built == [] and lazy.built is None
    real = service.build_now("openai", "gpt-4o-mini")
    assert factory.built == [real] and real.model == "gpt-4o-mini" and real.transcript is transcript


def test_build_now_and_fallback_refuse_what_cannot_be_built(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(keys=False, openai_api_key="k"), Transcript())
    with pytest.raises(ConfigError):
        service.build_now("anthropic")
    with pytest.raises(ConfigError):
        service.build_now("nowhere")
    with pytest.raises(ConfigError):
        service.fallback("anthropic", None)
    assert isinstance(service.fallback("openai", None), LazyProvider)


def test_switch_goes_on_with_the_same_transcript_and_records_it(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    agent, events = agent_on(service, "anthropic")
    before = agent.provider
    assert service.switch(agent, "openai", "gpt-4o-mini") is None
    assert (agent.provider.name, agent.provider.model) == ("openai", "gpt-4o-mini")
    assert agent.provider.transcript is before.transcript
    assert switches(events) == [("anthropic", before.model, "openai", "gpt-4o-mini", "user")]
    assert service.switch(agent, "openai") is None  # already there: nothing happens
    assert len(switches(events)) == 1


def test_switch_to_a_provider_without_a_key_warns_how_to_set_it_up(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(keys=False, openai_api_key="k"), Transcript())
    agent, _events = agent_on(service, "openai")
    warning = service.switch(agent, "anthropic")
    assert agent.provider.name == "anthropic"
    assert warning is not None and warning.startswith("ANTHROPIC_API_KEY is required")


def test_switch_to_an_unknown_provider_is_refused(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    agent, events = agent_on(service, "anthropic")
    with pytest.raises(SwitchRefused) as refused:
        service.switch(agent, "nowhere")
    assert "nowhere" in str(refused.value)
    assert agent.provider.name == "anthropic" and switches(events) == []


async def test_switch_closes_the_provider_left(make_config: MakeConfig, fake_api: FakeAPI) -> None:
    service = ProviderService(make_config(), Transcript())
    agent, _events = agent_on(service, "anthropic")
    old = agent.provider
    closed: list[str] = []

    async def aclose() -> None:
        closed.append(old.name)

    old.aclose = aclose  # type: ignore[method-assign]
    service.switch(agent, "openai")
    await asyncio.sleep(0)
    assert closed == ["anthropic"]


def test_switch_model_records_it_once(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    agent, events = agent_on(service, "openai")
    before = agent.provider.model
    assert service.switch_model(agent, " gpt-4o-mini ")
    assert agent.provider.model == "gpt-4o-mini"
    assert not service.switch_model(agent, "gpt-4o-mini") and not service.switch_model(agent, " ")
    assert switches(events) == [("openai", before, "openai", "gpt-4o-mini", "user")]


def test_restore_puts_the_sessions_provider_back_without_recording_a_switch(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    agent, events = agent_on(service, "anthropic")
    assert service.restore(agent, "openai", "gpt-4o-mini") is None
    assert (agent.provider.name, agent.provider.model) == ("openai", "gpt-4o-mini")
    assert service.restore(agent, "openai", "gpt-4o") is None  # same provider: the model only
    assert agent.provider.model == "gpt-4o"
    assert switches(events) == []


def test_restore_says_why_it_stays(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(keys=False, openai_api_key="k"), Transcript())
    agent, _events = agent_on(service, "openai")
    gone = service.restore(agent, "nowhere", "m")
    assert gone == "The session last ran on nowhere, which is not configured here: going on with openai."
    keyless = service.restore(agent, "anthropic", None)
    assert keyless is not None and keyless.startswith("The session last ran on anthropic (")
    assert agent.provider.name == "openai"


def test_record_switch_only_when_the_conversation_moved(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    agent, events = agent_on(service, "openai")
    model = agent.provider.model
    assert not record_switch(agent, None, None)
    assert not record_switch(agent, "openai", model)
    assert record_switch(agent, "anthropic", None)
    assert switches(events) == [("anthropic", "", "openai", model, "user")]


async def test_models_come_from_the_endpoint_once_loaded(make_config: MakeConfig, fake_api: FakeAPI) -> None:
    service = ProviderService(make_config(), Transcript())
    provider = service.build(service.resolve("openai"))

    async def listed() -> list[str]:
        return ["gpt-4o", "gpt-x"]

    assert service.models_of(provider) == list(provider.settings.models) or [provider.model]
    provider.list_models = listed  # type: ignore[method-assign]
    assert await service.load_models(provider) == ["gpt-4o", "gpt-x"]
    assert service.models_of(provider) == ["gpt-4o", "gpt-x"]


def test_a_context_window_is_found_as_the_requests_find_it(make_config: MakeConfig) -> None:
    # An OpenAI-compatible endpoint's own list (genai-prices knows DeepSeek's by its URL) decides the
    # window, for the sidebar as for the requests; nothing here reaches the endpoint.
    config = make_config(openai_base_url="https://api.deepseek.com/v1", provider="openai")
    service = ProviderService(config, Transcript())
    assert service.context_window("openai", "deepseek-chat") == 64_000
    provider = service.build(service.resolve("openai", "deepseek-chat"))
    assert settings_context_window(provider.settings) == 64_000  # what its requests are fitted into
    assert service.context_window("anthropic", "claude-sonnet-4-5") == 200_000
    assert service.context_window("nowhere", "claude-sonnet-4-5") is None  # by its name: unknown


async def test_warm_up_builds_and_close_closes(make_config: MakeConfig) -> None:
    factory = Counting()
    service = ProviderService(make_config(), Transcript(), factory)
    provider = service.build(service.resolve("openai"))
    await service.warm_up(provider)
    assert provider.built is factory.built[0]
    await service.close(provider)
