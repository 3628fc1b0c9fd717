"""``already_on`` (a switch that changes nothing) and ``ProviderService.knows_models``: what the UI
checks before it refuses a switch while an answer streams, and before it asks for a model list."""

from __future__ import annotations

from collections.abc import Callable

from fakeapi import FakeAPI

from flux_tui.core.config import Config
from flux_tui.core.transcript import Transcript
from flux_tui.services.providers import ProviderService, already_on

MakeConfig = Callable[..., Config]


def test_the_same_provider_and_model_is_no_switch(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    provider = service.build(service.resolve("openai", "gpt-4o"))
    assert already_on(provider, "openai")
    assert already_on(provider, "openai", "gpt-4o")
    assert already_on(provider, "openai", " gpt-4o ")
    assert already_on(provider, "openai", "  ")  # no model named: the current one
    assert not already_on(provider, "openai", "gpt-4o-mini")
    assert not already_on(provider, "anthropic")
    assert not already_on(provider, "anthropic", "gpt-4o")


async def test_knows_models_once_they_are_loaded(make_config: MakeConfig, fake_api: FakeAPI) -> None:
    service = ProviderService(make_config(), Transcript())
    provider = service.build(service.resolve("openai"))
    assert not service.knows_models("openai")

    async def listed() -> list[str]:
        return ["gpt-4o", "gpt-x"]

    provider.list_models = listed  # type: ignore[method-assign]
    await service.load_models(provider)
    assert service.knows_models("openai")
    assert not service.knows_models("anthropic")
