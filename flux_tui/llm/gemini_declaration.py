"""The Gemini provider kind, declared as data: what config, the menus, the setup help and pricing know
about it before its module (``gemini_provider``) is imported.

The registry (``core.provider_registry``) finds every ``*_declaration`` module of this package and reads
its ``DECLARATION``, in ``MENU_ORDER``; the provider class takes its class attributes from it
(``declaration = GEMINI``), so every fact here is written once. This module imports nothing but
``core.providers``.
"""

from __future__ import annotations

from types import MappingProxyType

from flux_tui.core.providers import ProviderSpec

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

DECLARATION = GEMINI
MENU_ORDER = 3  # place in the provider menu; plug-ins come after flux-tui's own kinds
