"""The OpenAI provider kind, declared as data: what config, the menus, the setup help and pricing know
about it before its module (``openai_provider``) is imported.

The registry (``core.provider_registry``) finds every ``*_declaration`` module of this package and reads
its ``DECLARATION``, in ``MENU_ORDER``; the provider class takes its class attributes from it
(``declaration = OPENAI``), so every fact here is written once. This module imports nothing but
``core.providers``.
"""

from __future__ import annotations

from flux_tui.core.providers import DEFAULT_OPENAI_MODEL, ProviderSpec

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

DECLARATION = OPENAI
MENU_ORDER = 2  # place in the provider menu; plug-ins come after flux-tui's own kinds
