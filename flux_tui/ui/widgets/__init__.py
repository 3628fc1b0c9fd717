"""Widgets of the flux-tui screen, one a module.

Names are re-exported lazily so importing one widget module never drags in (or breaks on) the others.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ToolInspector": "flux_tui.ui.widgets.tool_inspector",
    "CostSidebar": "flux_tui.ui.widgets.cost_sidebar",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
