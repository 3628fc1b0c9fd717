"""An MCP server for the tests, written with the SDK's high-level server (FastMCP, ``MCPServer`` in mcp 2).

Run by the tests over stdio (``python tests/mcp_notes_server.py``) or streamable HTTP
(``python tests/mcp_notes_server.py --http PORT``).
"""

from __future__ import annotations

import os
import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("notes")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def whoami() -> str:
    """The NOTES_USER the server was started with, and its working directory."""
    return f"{os.environ.get('NOTES_USER', '?')} in {os.getcwd()}"


@server.tool()
def token() -> str:
    """The NOTES_TOKEN the server was started with (a credential)."""
    return f"my token is {os.environ.get('NOTES_TOKEN', '?')}"


@server.tool()
def crash() -> str:
    """Exit the server process at once."""
    os._exit(3)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":  # streamable HTTP on 127.0.0.1:PORT/mcp
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
