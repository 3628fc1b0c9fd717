"""Build providers from the registry (``core.provider_registry``: flux-tui's own declarations and the
``flux_tui.providers`` entry points).

``create_provider(config)`` is the plan's call: the provider that ``config.provider`` and
``config.model`` name. ``create_provider(settings, transcript)`` builds from one resolved provider
(``core.providers.ProviderSettings``), which is what the app does when it switches. Provider modules
import their SDK only when they first talk to the API, so building stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flux_tui.core import provider_registry
from flux_tui.core.errors import ConfigError
from flux_tui.core.providers import is_local_url
from flux_tui.core.transcript import Transcript
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings

if TYPE_CHECKING:
    from flux_tui.core.config import Config


def available_kinds() -> list[str]:
    return sorted(provider_registry.kinds())


def register(kind: str, target: str | type[BaseLLMProvider]) -> None:
    """Add (or replace) an implementation at run time: the class itself or ``"package.module:Class"``."""
    provider_registry.register(kind, target)


def unregister(kind: str) -> None:
    provider_registry.unregister(kind)


def provider_class(kind: str) -> type[BaseLLMProvider]:
    try:
        cls = provider_registry.load_class(kind)
    except LookupError:
        raise ConfigError(
            f"unknown provider kind {kind!r}; supported kinds: {', '.join(available_kinds())}"
        ) from None
    except Exception as exc:
        raise ConfigError(f"the provider {kind!r} cannot be loaded: {type(exc).__name__}: {exc}") from exc
    if not issubclass(cls, BaseLLMProvider):
        raise ConfigError(f"{cls.__module__}:{cls.__qualname__} is not a BaseLLMProvider")
    return cls


def _check_key(settings: ProviderSettings, cls: type[BaseLLMProvider]) -> None:
    if settings.api_key or settings.missing:
        return
    spec = provider_registry.spec(settings.kind)
    label = (spec.label if spec is not None else "") or cls.label or settings.kind
    key_envs = tuple(spec.key_envs if spec is not None else cls.key_envs)
    if not key_envs and not settings.api_key_env:
        return  # the provider needs no key
    if cls.local_needs_no_key and is_local_url(settings.base_url):
        return
    env = settings.api_key_env or (spec.key_hint() if spec is not None else key_envs[0])
    if settings.name == settings.kind:
        raise ConfigError(f"{env} is required for {label} provider")
    raise ConfigError(f"{env} is required for provider {settings.name!r} ({label})")


def create_provider(
    config: Config | ProviderSettings,
    transcript: Transcript | None = None,
    *,
    enable_context_pruning: bool = True,
) -> BaseLLMProvider:
    """A ready provider for ``config`` (a ``Config``: its selected provider and model) or for one
    resolved provider (``ProviderSettings``), continuing ``transcript`` when given.

    Raises ``ConfigError`` for an unknown provider (listing the supported ones), or for what prevents
    building it: a missing key gives the plan's "ANTHROPIC_API_KEY is required for Anthropic provider".
    """
    if isinstance(config, ProviderSettings):
        settings = config  # shared: a model chosen later (``/model``) applies to the next request
    else:
        settings = config.provider_settings(config.provider, config.model)
    if not enable_context_pruning:
        settings.context_pruning = False
    cls = provider_class(settings.kind)
    if settings.missing:
        raise ConfigError(settings.missing)
    _check_key(settings, cls)
    return cls(settings, transcript)
