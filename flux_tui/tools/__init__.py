"""The assistant's hands: file and shell tools confined to a workspace, with an approval policy.

``ToolBox`` is what the agent loop drives (``flux_tui.core.protocols.ToolRunner``). Schemas use the
Anthropic format; the OpenAI provider converts them.
"""

from __future__ import annotations

from flux_tui.tools.jail import ToolError, Workspace
from flux_tui.tools.toolbox import DEFAULT_POLICY, POLICIES, ToolBox

__all__ = ["DEFAULT_POLICY", "POLICIES", "ToolBox", "ToolError", "Workspace"]
