"""Screens and modal dialogs of flux-tui; each keeps its ``.tcss`` beside it (``CSS_PATH``). A base
class that styles what it gives its subclasses (``KeyGuardedScreen``'s key hints) uses ``DEFAULT_CSS``,
which the subclasses inherit, as widgets do.

Names are re-exported lazily so importing one screen module never drags in the others.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ApprovalScreen": "flux_tui.ui.screens.approval",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
