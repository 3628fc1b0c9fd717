"""The tests' MCP server (``mcp_notes_server.py``): where it is, and a server entry that starts it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

NOTES_SERVER = str(Path(__file__).resolve().parent / "mcp_notes_server.py")


def notes_server(**extra: Any) -> dict[str, Any]:
    """A ``[mcp_servers.NAME]`` entry that runs the notes server over stdio with this interpreter."""
    return {"command": sys.executable, "args": [NOTES_SERVER], **extra}
