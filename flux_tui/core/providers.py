"""What the app knows about a kind of provider (its declaration) and about one configured provider.

A kind of provider is declared by a ``ProviderSpec``: flux-tui's own in the ``llm.<kind>_declaration``
modules, which the registry reads without importing the provider modules, and which their classes take
their class attributes from (``declaration = ...``); a plug-in's either by such a declaration or by class
attributes (``label``, ``key_envs``, ``base_url_env``, ``default_model``, ``models``,
``settings_defaults``, ``pricing_id``, ``open_weights``...), read into one by ``ProviderSpec.of_class``.
Config, the menus, the setup help, the error messages and pricing read the spec. ``ProviderSettings`` is one
resolved provider: what the factory needs to build it, and what (if anything) prevents building it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Defaults of the top-level ``anthropic_model`` / ``openai_model`` settings (``core.config``), which the
# two providers' declarations also name as their default models (current models genai-prices knows).
DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-6"
DEFAULT_OPENAI_MODEL = "gpt-5.5"

# A provider class's declaring attributes and the ``ProviderSpec`` fields they hold. (``kind`` is apart:
# a class's ``kind`` is its implementation family, a spec's the name it is registered under.)
_CLASS_ATTRIBUTES = {
    "label": "label",
    "key_envs": "key_envs",
    "base_url_env": "base_url_env",
    "default_model": "default_model",
    "models": "models",
    "settings_defaults": "settings",
    "pricing_id": "pricing_id",
    "local_needs_no_key": "local_needs_no_key",
    "open_weights": "open_weights",
}


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """The declaration of one provider kind, as its class states it."""

    kind: str  # the name it is registered under ("anthropic", "gemini", a plug-in's name)
    label: str  # shown to the user ("Anthropic")
    target: str = ""  # "package.module:Class", the implementation (imported when first built)
    key_envs: tuple[str, ...] = ()  # variables holding its key, in the order they are read; () = no key
    base_url_env: str | None = None  # variable holding its base URL
    default_model: str = ""
    models: tuple[str, ...] = ()  # the model menu's list when the endpoint cannot be asked
    settings: Mapping[str, Any] = field(default_factory=dict)  # its own settings and their defaults
    pricing_id: str | None = None  # genai-prices' provider id, when it differs from ``kind``
    local_needs_no_key: bool = False  # a server on this machine or the LAN takes no key (Ollama...)
    # Model id prefixes of the kind's open-weights models: served from this machine or the LAN they cost
    # nothing, while any other model of the kind served there is the real API behind a gateway.
    open_weights: tuple[str, ...] = ()

    @property
    def key_env(self) -> str | None:
        """The variable named in messages about a missing or invalid key."""
        return self.key_envs[0] if self.key_envs else None

    def key_hint(self) -> str:
        """``GEMINI_API_KEY (or GOOGLE_API_KEY)``."""
        if not self.key_envs:
            return ""
        rest = " or ".join(self.key_envs[1:])
        return f"{self.key_envs[0]} (or {rest})" if rest else self.key_envs[0]

    def class_attributes(self) -> dict[str, Any]:
        """The class attributes of a provider class declared by this spec, ``kind`` included."""
        found = {attribute: getattr(self, name) for attribute, name in _CLASS_ATTRIBUTES.items()}
        return {"kind": self.kind, **found}

    @classmethod
    def of_class(cls, kind: str, provider_class: type, target: str = "") -> ProviderSpec:
        """The declaration a provider class states with its class attributes, registered as ``kind``."""
        given = {
            name: value
            for attribute, name in _CLASS_ATTRIBUTES.items()
            if (value := getattr(provider_class, attribute, None)) is not None
        }
        key_envs = given.get("key_envs", ())
        if isinstance(key_envs, str):
            key_envs = (key_envs,)
        return cls(
            kind=kind,
            label=str(given.get("label") or kind),
            target=target or f"{provider_class.__module__}:{provider_class.__qualname__}",
            key_envs=tuple(str(env) for env in key_envs),
            base_url_env=given.get("base_url_env"),
            default_model=str(given.get("default_model", "")),
            models=tuple(str(model) for model in given.get("models", ())),
            settings=dict(given.get("settings", {})),
            pricing_id=given.get("pricing_id"),
            local_needs_no_key=bool(given.get("local_needs_no_key", False)),
            open_weights=tuple(str(prefix) for prefix in given.get("open_weights", ())),
        )


@dataclass(slots=True)
class ProviderSettings:
    """One resolved provider: everything needed to build it (``llm.provider_factory``).

    ``name`` is what the user sees and picks ("anthropic", "ollama"...); ``kind`` is the implementation
    (a registered provider kind). ``missing`` says what prevents building it ("ANTHROPIC_API_KEY is
    required for Anthropic provider"), or is None.
    """

    name: str
    kind: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    max_tokens: int = 8192
    temperature: float | None = None
    models: list[str] = field(default_factory=list)  # configured list, the fallback for list_models()
    prompt_caching: bool = True
    idle_timeout: float = 60.0  # seconds without a byte before a stream counts as dropped
    request_timeout: float = 600.0
    extra_headers: dict[str, str] = field(default_factory=dict)
    # Where the key comes from, named in error messages ("invalid key for anthropic (ANTHROPIC_API_KEY)");
    # None: the kind's usual variable.
    api_key_env: str | None = None
    # Extended thinking budget (tokens); None or 0 leaves thinking off.
    thinking_budget: int | None = None
    missing: str | None = None
    # Fit the history into the model's context window before each request (``core.pruning``).
    context_pruning: bool = True
    # The kind's own settings (``ProviderSpec.settings``), from ``[providers.NAME] settings``.
    options: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> ProviderSettings:
        return dataclasses.replace(
            self,
            models=list(self.models),
            extra_headers=dict(self.extra_headers),
            options=dict(self.options),
        )

    def settings_kwargs(self) -> dict[str, Any]:
        """The fields as keyword arguments (``ProviderSettings(**s.settings_kwargs())`` copies)."""
        copied = self.copy()
        return {f.name: getattr(copied, f.name) for f in dataclasses.fields(self)}


def is_local_url(base_url: str | None) -> bool:
    """The URL points at this machine or the local network (where servers such as Ollama take no key)."""
    if not base_url:
        return False
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(base_url if "//" in base_url else f"//{base_url}").hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return True  # .internal: host.docker.internal and the like
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified
