"""Build providers from a registry, so a new provider is one module plus one line here.

The registry maps a kind to its class (or to ``"module:Class"``, imported when that kind is first built,
for plug-ins). Provider modules import their SDK only when they first talk to the API, so importing
this factory stays cheap.
"""

from __future__ import annotations

import importlib
from urllib.parse import urlparse

from flux_tui.core.errors import ConfigError
from flux_tui.core.transcript import Transcript
from flux_tui.llm.anthropic_provider import AnthropicProvider
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings
from flux_tui.llm.openai_provider import OpenAIProvider

#: kind -> implementation (a class, or "package.module:Class" imported on first use).
REGISTRY: dict[str, type[BaseLLMProvider] | str] = {
    "anthropic": AnthropicProvider,
    "openai": OpenAIProvider,
}

# kind -> (display name, environment variable of its key)
_KEY_INFO: dict[str, tuple[str, str]] = {
    "anthropic": ("Anthropic", "ANTHROPIC_API_KEY"),
    "openai": ("OpenAI", "OPENAI_API_KEY"),
}

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"}


def available_kinds() -> list[str]:
    return sorted(REGISTRY)


def register(kind: str, target: str | type[BaseLLMProvider]) -> None:
    """Add (or replace) an implementation: the class itself or ``"package.module:Class"``."""
    REGISTRY[kind] = target


def provider_class(kind: str) -> type[BaseLLMProvider]:
    target = REGISTRY.get(kind)
    if target is None:
        raise ConfigError(f"unknown provider kind {kind!r}; supported kinds: {', '.join(available_kinds())}")
    if isinstance(target, type):
        return target
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, BaseLLMProvider)):
        raise ConfigError(f"{target} is not a BaseLLMProvider")
    return cls


def _is_local(base_url: str | None) -> bool:
    if not base_url:
        return False
    host = (urlparse(base_url).hostname or "").lower()
    return host in _LOCAL_HOSTS or host.endswith(".local") or host.startswith(("10.", "192.168."))


def _check_key(settings: ProviderSettings) -> None:
    if settings.api_key:
        return
    label, env = _KEY_INFO.get(settings.kind, (settings.kind, f"{settings.kind.upper()}_API_KEY"))
    env = settings.api_key_env or env
    # An OpenAI-compatible server on this machine or the LAN (Ollama, vLLM...) usually takes no key.
    if settings.kind == "openai" and _is_local(settings.base_url):
        return
    if settings.name in ("anthropic", "openai") or settings.name == settings.kind:
        raise ConfigError(f"{env} is required for {label} provider")
    raise ConfigError(f"{env} is required for provider {settings.name!r} ({label})")


def create_provider(settings: ProviderSettings, transcript: Transcript | None = None) -> BaseLLMProvider:
    """A ready provider for ``settings``, continuing ``transcript`` when given.

    Raises ``ConfigError`` for an unknown kind (listing the supported ones) or a missing key (the
    plan's "ANTHROPIC_API_KEY is required for Anthropic provider").
    """
    cls = provider_class(settings.kind)
    _check_key(settings)
    return cls(settings, transcript)
