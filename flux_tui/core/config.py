"""flux-tui settings: one pydantic-settings ``Config`` and the helpers that turn it into providers.

Sources, highest first: explicit arguments, environment, ``.env`` (cwd), ``./flux.toml``, the user's
``flux.toml`` (``platformdirs.user_config_dir("flux-tui")``, or ``$FLUX_CONFIG_DIR``), defaults. What
could leak keys, run commands or skip approvals applies from ``./flux.toml``/``.env`` only in a trusted
folder (``core.trust``).

``Config(...)`` is strict: bad input raises pydantic's ``ValidationError``. The app uses
``load_config(...)`` instead, which never raises for a broken file: it reports ``ConfigProblem``s
(file, line, key, what was expected) and starts on defaults for what was wrong. ``flux.toml.example``
documents every setting.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import AfterValidator, Field, PrivateAttr, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from flux_tui.core import pricing, provider_registry
from flux_tui.core._config_mcp import McpServerSettings
from flux_tui.core._config_models import (
    DEFAULT_TOOL_POLICY,
    MAX_BUDGET_USD,
    MAX_IDLE_TIMEOUT,
    MAX_OUTPUT_TOKENS,
    MAX_RETRIES,
    ModelSettings,
    NamedProvider,
    PolicyValue,
    Prices,
    ToolsConfig,
    empty_list,
)
from flux_tui.core._config_values import dedupe as _dedupe
from flux_tui.core._config_values import price_override as _override
from flux_tui.core._config_values import url_problem
from flux_tui.core.config_problem import ConfigProblem
from flux_tui.core.errors import ConfigError
from flux_tui.core.providers import (
    DEFAULT_ANTHROPIC_MODEL,
    DEFAULT_OPENAI_MODEL,
    ProviderSettings,
    ProviderSpec,
    is_local_url,
)
from flux_tui.core.trust import WorkspaceTrust

__all__ = [
    "APP_NAME",
    "DEFAULT_ANTHROPIC_MODEL",
    "DEFAULT_OPENAI_MODEL",
    "DEFAULT_TOOL_POLICY",
    "Config",
    "ConfigProblem",
    "ModelSettings",
    "NamedProvider",
    "Prices",
    "ResolvedProvider",
    "ToolsConfig",
    "load_config",
    "user_config_dir",
]

APP_NAME = "flux-tui"
CONFIG_FILE_NAME = "flux.toml"

DEFAULT_SYSTEM_PROMPT = (
    "You are Flux, an expert software engineer working with a developer in their terminal. "
    "Be concise and concrete. Use the tools to read files before changing them, make the smallest "
    "change that solves the problem, and explain what you changed and why. Never invent file contents "
    "or command output; if you are unsure, look. Ask before doing anything destructive."
)

UserPath = Annotated[Path, AfterValidator(lambda p: p.expanduser())]

# Set by load_config while it builds the final object from sources it already read and checked.
_INIT_ONLY: ContextVar[bool] = ContextVar("flux_config_init_only", default=False)


def user_config_dir() -> Path:
    """Directory of the user's flux.toml: ``$FLUX_CONFIG_DIR`` or the platform's config dir."""
    override = os.environ.get("FLUX_CONFIG_DIR")
    return Path(override).expanduser() if override else Path(platformdirs.user_config_dir(APP_NAME))


#: One resolved provider; the same description the factory builds from (``core.providers``).
ResolvedProvider = ProviderSettings


def _sdk_env(name: str) -> Any:
    # validation_alias equal to the field name opts the field out of the FLUX_ prefix, so it reads
    # the SDKs' own variable (case-insensitive): anthropic_api_key <- ANTHROPIC_API_KEY.
    return Field(default=None, validation_alias=name)


class Config(BaseSettings):
    """All settings. Field names are the flux.toml keys; ``FLUX_<NAME>`` is the environment variable
    unless noted (API keys and base URLs use the SDKs' own variables)."""

    model_config = SettingsConfigDict(
        env_prefix="FLUX_",
        env_file=".env",
        env_file_encoding="utf-8",
        dotenv_filtering="only_existing",
        env_nested_delimiter="__",
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        case_sensitive=False,
    )

    provider: str = "anthropic"
    model: str | None = None  # overrides the selected provider's default model

    anthropic_api_key: SecretStr | None = _sdk_env("anthropic_api_key")
    openai_api_key: SecretStr | None = _sdk_env("openai_api_key")
    anthropic_base_url: str | None = _sdk_env("anthropic_base_url")
    openai_base_url: str | None = _sdk_env("openai_base_url")
    anthropic_model: str = DEFAULT_ANTHROPIC_MODEL
    openai_model: str = DEFAULT_OPENAI_MODEL

    max_tokens: int = Field(default=8192, gt=0, le=MAX_OUTPUT_TOKENS)
    temperature: float | None = Field(default=None, ge=0, le=2)
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    prompt_caching: bool = True

    providers: dict[str, NamedProvider] = Field(default_factory=dict)
    models: dict[str, ModelSettings] = Field(default_factory=dict)
    tools: ToolsConfig = Field(default_factory=ToolsConfig)
    mcp_servers: dict[str, McpServerSettings] = Field(default_factory=dict)

    yolo: bool = False
    workspace: UserPath | None = None
    fallback: list[str] = Field(default_factory=empty_list)  # "provider" or "provider:model", tried in order
    max_retries: int = Field(default=4, ge=0, le=MAX_RETRIES)
    idle_timeout: float = Field(default=60.0, gt=0, le=MAX_IDLE_TIMEOUT)
    budget_usd: float | None = Field(default=None, gt=0, le=MAX_BUDGET_USD)
    # Every session of the data dir, headless runs included, for the local day.
    budget_usd_per_day: float | None = Field(default=None, gt=0, le=MAX_BUDGET_USD)
    data_dir: UserPath | None = None  # default: platformdirs user data dir
    config_dir: UserPath | None = None  # default: platformdirs user config dir (where flux.toml lives)

    _dotenv: dict[str, str] = PrivateAttr(default_factory=dict)
    _files: list[Path] = PrivateAttr(default_factory=empty_list)
    _trust: WorkspaceTrust | None = PrivateAttr(default=None)  # None: not from load_config, all applies

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        if _INIT_ONLY.get():
            return (init_settings,)
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=Path(CONFIG_FILE_NAME)),
            TomlConfigSettingsSource(settings_cls, toml_file=user_config_dir() / CONFIG_FILE_NAME),
        )

    # -- paths ----------------------------------------------------------------------------------

    @property
    def data_path(self) -> Path:
        """Where sessions live: ``data_dir`` or the platform's user data dir."""
        return self.data_dir or Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def log_dir(self) -> Path:
        """Where the error log goes: under ``data_dir`` when set (tests), else the user state dir."""
        if self.data_dir is not None:
            return self.data_dir / "logs"
        return Path(platformdirs.user_state_dir(APP_NAME)) / "logs"

    @property
    def cache_dir(self) -> Path:
        """What the app keeps between runs only to start sooner (its parsed CSS): the user cache dir."""
        return Path(platformdirs.user_cache_dir(APP_NAME))

    @property
    def config_path(self) -> Path:
        return self.config_dir or user_config_dir()

    @property
    def workspace_trust(self) -> WorkspaceTrust | None:
        """Whether the workspace is trusted and what was ignored (``core.trust``)."""
        return self._trust

    @property
    def source_files(self) -> list[Path]:
        """The flux.toml files load_config read (lowest precedence first)."""
        return list(self._files)

    # -- tools ----------------------------------------------------------------------------------

    def tool_policy(self, tool_name: str) -> PolicyValue:
        """The tool's policy ("allow", "ask" or "deny"); ``yolo`` allows everything; unknown tools ask."""
        if self.yolo:
            return "allow"
        return self.tools.policy.get(tool_name, "ask")

    # -- providers ------------------------------------------------------------------------------

    def provider_names(self) -> list[str]:
        """The registered providers (flux-tui's own, then plug-ins), then the named ones from
        ``[providers.NAME]``."""
        names = provider_registry.kinds()
        names.extend(name for name in self.providers if name not in names)
        return names

    def fallback_targets(self) -> list[tuple[str, str | None]]:
        """``fallback`` entries as (provider, model or None for its default)."""
        targets: list[tuple[str, str | None]] = []
        for entry in self.fallback:
            name, _, model = entry.partition(":")
            targets.append((name.strip(), model.strip() or None))
        return targets

    def provider_settings(self, name: str, model: str | None = None) -> ResolvedProvider:
        """Resolve a provider by name; ``model`` overrides its default. Raises ConfigError when unknown."""
        names = self.provider_names()
        if name not in names:
            raise ConfigError(f"unknown provider {name!r}; supported providers: {', '.join(names)}")
        entry = self.providers.get(name) or NamedProvider()
        if model is None and name == self.provider:
            model = self.model
        spec = provider_registry.spec(name)
        if spec is not None:
            return self._resolve_declared(spec, entry, model)
        return self._resolve_named(name, entry, model)

    def provider_status(self, name: str) -> str | None:
        """What prevents using the provider (missing key or URL), or None when it is ready."""
        return self.provider_settings(name).missing

    def _lookup_env(self, var: str) -> str | None:
        value = os.environ.get(var) or self._dotenv.get(var)
        return value or None

    def _shortcut(self, kind: str, setting: str) -> Any:
        """A top-level ``KIND_SETTING`` field (``anthropic_api_key``...), when this Config has one."""
        value = getattr(self, f"{kind}_{setting}", None)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return value or None

    def _common(self, entry: NamedProvider, spec: ProviderSpec | None) -> dict[str, Any]:
        options = dict(spec.settings) if spec is not None else {}
        options.update(entry.settings)
        return {
            "max_tokens": entry.max_tokens or self.max_tokens,
            "temperature": entry.temperature if entry.temperature is not None else self.temperature,
            "prompt_caching": self.prompt_caching,
            "idle_timeout": self.idle_timeout,
            "extra_headers": dict(entry.headers),
            "options": options,
        }

    def _declared_key(self, spec: ProviderSpec, entry: NamedProvider) -> tuple[str | None, str | None]:
        """(key, the variable it comes from) for a registered provider."""
        if entry.api_key is not None:
            return entry.api_key.get_secret_value() or None, spec.key_env
        if entry.api_key_env:
            return self._lookup_env(entry.api_key_env), entry.api_key_env
        shortcut = self._shortcut(spec.kind, "api_key")
        if shortcut:
            return shortcut, spec.key_env
        for env in spec.key_envs:
            found = self._lookup_env(env)
            if found:
                return found, env
        return None, spec.key_env

    def _resolve_declared(
        self, spec: ProviderSpec, entry: NamedProvider, model: str | None
    ) -> ResolvedProvider:
        name = spec.kind
        api_key, key_env = self._declared_key(spec, entry)
        chosen = model or entry.model or self._shortcut(name, "model") or spec.default_model
        listed = _dedupe([chosen, *(entry.models or spec.models)])
        outside = self._shortcut(name, "base_url") or (
            self._lookup_env(spec.base_url_env) if spec.base_url_env else None
        )
        base_url = outside or entry.base_url
        missing: str | None = None
        needs_key = bool(spec.key_envs or entry.api_key_env)
        if needs_key and not api_key and not (spec.local_needs_no_key and is_local_url(base_url)):
            hint = entry.api_key_env or spec.key_hint()
            missing = f"{hint} is required for {spec.label} provider"
        elif not chosen:
            missing = f"no model set for provider {name!r} (set model under [providers.{name}])"
        if base_url and (problem := url_problem(base_url)):
            source = (spec.base_url_env or f"{name.upper()}_BASE_URL") if outside else "base_url"
            missing = f"{source} {base_url!r} {problem}"
        return ResolvedProvider(
            name=name,
            kind=name,
            model=chosen,
            api_key=api_key,
            base_url=base_url,
            models=listed,
            missing=missing,
            api_key_env=key_env,
            **self._common(entry, spec),
        )

    def _resolve_named(self, name: str, entry: NamedProvider, model: str | None) -> ResolvedProvider:
        api_key: str | None = None
        if entry.api_key is not None:
            api_key = entry.api_key.get_secret_value() or None
        elif entry.api_key_env:
            api_key = self._lookup_env(entry.api_key_env)
        chosen = model or entry.model or (entry.models[0] if entry.models else "")
        kind = entry.kind or "openai"  # what most compatible servers speak
        spec = provider_registry.spec(kind)
        missing: str | None = None
        if spec is None:
            kinds = ", ".join(provider_registry.kinds())
            missing = f"unknown kind {kind!r} for provider {name!r} (registered kinds: {kinds})"
        elif not entry.base_url:
            missing = f"base_url is required for provider {name!r} (set it under [providers.{name}])"
        elif problem := url_problem(entry.base_url):
            missing = f"base_url {entry.base_url!r} of provider {name!r} {problem}"
        elif entry.api_key_env and not api_key:
            missing = f"{entry.api_key_env} is required for {name} provider"
        elif not chosen:
            missing = f"no model set for provider {name!r} (set model under [providers.{name}])"
        return ResolvedProvider(
            name=name,
            kind=kind,
            model=chosen,
            api_key=api_key,
            base_url=entry.base_url,
            models=_dedupe([chosen, *entry.models]) if chosen else list(entry.models),
            missing=missing,
            api_key_env=entry.api_key_env,
            **self._common(entry, spec),
        )

    # -- prices ---------------------------------------------------------------------------------

    def price_overrides(self) -> tuple[dict[str, pricing.PriceOverride], dict[str, pricing.PriceOverride]]:
        """(per model id, per provider name) overrides for ``pricing.set_overrides``."""
        by_model = {
            model_id: _override(settings.prices, settings.context_window)
            for model_id, settings in self.models.items()
        }
        by_provider = {
            name: _override(entry.prices, entry.context_window)
            for name, entry in self.providers.items()
            if entry.prices is not None or entry.context_window is not None
        }
        return by_model, by_provider

    def apply_price_overrides(self) -> None:
        pricing.set_overrides(*self.price_overrides())


def load_config(*, trust: bool = False, **overrides: Any) -> tuple[Config, list[ConfigProblem]]:
    """Build the Config from every source; never raises for a broken file (see module docstring).

    ``trust``: apply the workspace's settings that need trust this time (``core.trust``). Also
    installs the config's price overrides in ``pricing``.
    """
    from flux_tui.core._config_load import build_config

    return build_config(Config, _INIT_ONLY, overrides, trust)
