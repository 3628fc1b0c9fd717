"""The lazy provider lives in ``services.lazy_provider``; these names stay importable from here."""

from flux_tui.services.lazy_provider import LazyProvider, ProviderFactory, default_factory, setup_hint

__all__ = ["LazyProvider", "ProviderFactory", "default_factory", "setup_hint"]
