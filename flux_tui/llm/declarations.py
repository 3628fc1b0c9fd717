"""flux-tui's own provider kinds, declared as data: what config, the menus, the setup help and pricing
know about each before its module is imported.

The registry (``core.provider_registry``) reads ``BUILT_IN`` by name, so resolving the configuration
imports neither the provider modules nor anything they import; each provider class takes its class
attributes from its declaration (``declaration = ANTHROPIC``), so every fact here is written once. A
new native provider is its module, its declaration here (``target`` names its class) and its SDK in
``pyproject.toml``. This module imports nothing but ``core.providers``.
"""

from __future__ import annotations

from types import MappingProxyType

from flux_tui.core.providers import DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL, ProviderSpec

ANTHROPIC = ProviderSpec(
    kind="anthropic",
    label="Anthropic",
    target="flux_tui.llm.anthropic_provider:AnthropicProvider",
    key_envs=("ANTHROPIC_API_KEY",),
    base_url_env="ANTHROPIC_BASE_URL",
    default_model=DEFAULT_ANTHROPIC_MODEL,
    models=("claude-haiku-4-5", "claude-opus-4-5", "claude-sonnet-4-5"),
)

OPENAI = ProviderSpec(
    kind="openai",
    label="OpenAI",
    target="flux_tui.llm.openai_provider:OpenAIProvider",
    key_envs=("OPENAI_API_KEY",),
    base_url_env="OPENAI_BASE_URL",
    default_model=DEFAULT_OPENAI_MODEL,
    models=("gpt-5-mini", "gpt-4.1", "gpt-4o"),
    local_needs_no_key=True,  # Ollama, vLLM and other local OpenAI-compatible servers
    open_weights=("gpt-oss",),
)

GEMINI = ProviderSpec(
    kind="gemini",
    label="Gemini",
    target="flux_tui.llm.gemini_provider:GeminiProvider",
    key_envs=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    base_url_env="GOOGLE_GEMINI_BASE_URL",
    default_model="gemini-2.5-flash",
    models=("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"),
    settings=MappingProxyType({"include_thoughts": True}),
    pricing_id="google",
    open_weights=("gemma",),
)

#: In menu order; plug-ins (the ``flux_tui.providers`` entry points) come after them.
BUILT_IN: tuple[ProviderSpec, ...] = (ANTHROPIC, OPENAI, GEMINI)
