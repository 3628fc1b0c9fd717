"""The Textual app (``FluxApp``, ``run_app``); imported lazily so ``import flux_tui.ui`` stays cheap."""

from __future__ import annotations

from typing import Any

__all__ = ["FluxApp", "run_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from flux_tui.ui import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
