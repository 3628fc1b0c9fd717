"""MCP servers: their tools offered to the model next to the built-in ones (the ``mcp`` SDK, lazily)."""
