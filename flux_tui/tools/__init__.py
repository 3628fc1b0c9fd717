"""The assistant's hands: file and shell tools confined to a workspace, with an approval policy.

``ToolBox`` is what the agent loop drives (``flux_tui.core.protocols.ToolRunner``). Schemas use the
Anthropic format; the OpenAI provider converts them.

The names below load on first use: the chat reads ``tools.mentions`` when it draws a prompt, and that
must not bring the search engines (``regex``, ``pathspec``) and every tool in before the first frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flux_tui.tools.jail import ToolError, Workspace
    from flux_tui.tools.toolbox import DEFAULT_POLICY, POLICIES, ToolBox

_WHERE = {
    "ToolError": "flux_tui.tools.jail",
    "Workspace": "flux_tui.tools.jail",
    "DEFAULT_POLICY": "flux_tui.tools.toolbox",
    "POLICIES": "flux_tui.tools.toolbox",
    "ToolBox": "flux_tui.tools.toolbox",
}

__all__ = ["DEFAULT_POLICY", "POLICIES", "ToolBox", "ToolError", "Workspace"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
