"""The Anthropic provider kind, declared as data: what config, the menus, the setup help and pricing know
about it before its module (``anthropic_provider``) is imported.

The registry (``core.provider_registry``) finds every ``*_declaration`` module of this package and reads
its ``DECLARATION``, in ``MENU_ORDER``; the provider class takes its class attributes from it
(``declaration = ANTHROPIC``), so every fact here is written once. This module imports nothing but
``core.providers``.
"""

from __future__ import annotations

from flux_tui.core.providers import DEFAULT_ANTHROPIC_MODEL, ProviderSpec

ANTHROPIC = ProviderSpec(
    kind="anthropic",
    label="Anthropic",
    target="flux_tui.llm.anthropic_provider:AnthropicProvider",
    key_envs=("ANTHROPIC_API_KEY",),
    base_url_env="ANTHROPIC_BASE_URL",
    default_model=DEFAULT_ANTHROPIC_MODEL,
    models=("claude-haiku-4-5", "claude-opus-4-5", "claude-sonnet-4-5"),
)

DECLARATION = ANTHROPIC
MENU_ORDER = 1  # place in the provider menu; plug-ins come after flux-tui's own kinds
