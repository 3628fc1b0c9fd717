"""The MCP servers of one session: started together, their tools put into the ``ToolBox``, stopped together.

Each server's tools join the ToolBox as ``mcp__SERVER__TOOL`` (two servers cannot collide) with the
policy from flux.toml (``[tools] policy`` by the full name, else ``[mcp_servers.NAME] tools`` by the
server's name for it, else the server's ``policy``, ``ask`` by default), so approval, the inspector and
the session record treat them like the built-in tools. A server that fails to start, or dies, is
reported through ``notify`` and its tools are withdrawn; the session goes on without it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.redact import Redactor
from flux_tui.core.secret_values import env_secrets
from flux_tui.mcp.connection import McpConnection, RemoteTool, ServerGone
from flux_tui.mcp.specs import MCP_JSON, McpServerSpec, find_servers, tool_name, workspace_trusted
from flux_tui.tools.base import Tool, ToolContext

Notify = Callable[[str, str], None]  # (text, level: "info" | "warning" | "error")
_PREVIEW_ARGS = 2000
NONE_CONFIGURED = (
    "### MCP servers\n\nNone configured. Add them to `.mcp.json` in the workspace "
    '(`{"mcpServers": {"NAME": {"command": ..., "args": [...]}}}`) or as `[mcp_servers.NAME]` in flux.toml.'
)

UNTRUSTED = (
    f"`{MCP_JSON}` of this workspace starts no server: the folder is not trusted "
    "(`flux-tui --trust`, or answer trust when the app asks at start)."
)


class McpTool(Tool):
    """One tool of an MCP server, as the ToolBox sees it."""

    def __init__(
        self, ctx: ToolContext, manager: McpManager, conn: McpConnection, remote: RemoteTool, name: str
    ) -> None:
        super().__init__(ctx)
        self.name = name  # type: ignore[misc]
        self.description = (  # type: ignore[misc]
            f"[MCP server {conn.name}] {remote.description}".strip()
        )
        schema = dict(remote.input_schema)
        schema.setdefault("type", "object")
        self.input_schema = schema  # type: ignore[misc]
        self.manager = manager
        self.conn = conn
        self.remote = remote

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        shown = json.dumps(args, ensure_ascii=False, indent=2)
        if len(shown) > _PREVIEW_ARGS:
            shown = shown[:_PREVIEW_ARGS] + "\n…"
        return f"MCP server {self.conn.name}, tool {self.remote.name}\n{shown}", None

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        try:
            text, is_error = await self.conn.call(self.remote.name, args)
        except ServerGone as exc:
            self.manager.server_gone(self.conn, str(exc))
            return ToolOutcome(f"MCP server {self.conn.name} is no longer running ({exc})", is_error=True)
        return ToolOutcome(text, is_error=is_error)


class McpManager:
    def __init__(
        self,
        config: Any,
        toolbox: Any,
        notify: Notify | None = None,
        redactor: Redactor | None = None,
        *,
        trusted: bool | None = None,
    ) -> None:
        """``redactor`` (the agent's, for tool results) learns the credentials in the servers' ``env``;
        ``trusted`` says whether the workspace's ``.mcp.json`` may start servers, when the toolbox's
        root is a copy of the folder the trust was given to (by default: that root's trust)."""
        self.toolbox = toolbox
        self.workspace = Path(getattr(toolbox, "root", None) or getattr(config, "workspace", None) or ".")
        trusted = workspace_trusted(config, self.workspace) if trusted is None else trusted
        configured = dict(getattr(config, "mcp_servers", None) or {})
        found = find_servers(self.workspace, configured, read_json=trusted)
        self.problems = found.problems
        # load_config's notice already named them; /mcp says why they are not running.
        self.untrusted = None if trusted or not (self.workspace / MCP_JSON).exists() else UNTRUSTED
        self.connections = [McpConnection(spec, self.workspace) for spec in found.specs]
        if redactor is not None:
            for spec in found.specs:
                redactor.add_secrets(env_secrets(spec.settings.env))
        self._policy = dict(getattr(getattr(config, "tools", None), "policy", None) or {})
        self._notify = notify or (lambda text, level: None)
        self.tool_names: dict[str, list[str]] = {}  # server -> its tools' names in the ToolBox
        self._lock = asyncio.Lock()

    @property
    def configured(self) -> bool:
        return bool(self.connections or self.problems)

    async def start(self) -> None:
        """Start every server at once; report the ones that fail; register the tools of the others."""
        for problem in self.problems:
            self._notify(problem, "warning")
        if not self.connections:
            return
        async with self._lock:  # a restart waits for the start, and the other way round
            starting = list(self.connections)
            await asyncio.gather(*(conn.start() for conn in starting))
        for conn in starting:
            if conn.state == "ready":
                self._register(conn)
            else:
                self._notify(
                    f"MCP server {conn.name} did not start: {conn.error}. The session goes on without it.",
                    "warning",
                )

    def _register(self, conn: McpConnection) -> None:
        taken = set(self.toolbox.tools)
        names: list[str] = []
        for remote in conn.tools:
            name = tool_name(conn.name, remote.name, taken)
            taken.add(name)
            names.append(name)
            self.toolbox.tools[name] = McpTool(self.toolbox.ctx, self, conn, remote, name)
            self.toolbox.policy[name] = self._policy_for(conn.spec, remote.name, name)
        self.tool_names[conn.name] = names

    def _policy_for(self, spec: McpServerSpec, remote: str, name: str) -> str:
        if name in self._policy:
            return str(self._policy[name])
        return str(spec.settings.tools.get(remote, spec.settings.policy))

    def server_gone(self, conn: McpConnection, reason: str) -> None:
        if conn.state != "ready":
            return
        conn.mark_gone(reason)
        for name in self.tool_names.get(conn.name, []):
            self.toolbox.tools.pop(name, None)
        self._notify(
            f"MCP server {conn.name} stopped ({reason}); its tools are withdrawn and the session goes on.",
            "warning",
        )

    async def restart(self, name: str) -> McpConnection | None:
        """Stop server ``name`` (running, gone or failed) and start it again, its tools registered
        anew; the new connection (its ``state`` says how the start went), or None for no such server."""
        async with self._lock:  # one start or restart at a time: no server started twice
            index = next((i for i, conn in enumerate(self.connections) if conn.name == name), None)
            if index is None:
                return None
            old = self.connections[index]
            for tool in self.tool_names.pop(name, []):
                self.toolbox.tools.pop(tool, None)
            await old.stop()
            fresh = McpConnection(old.spec, self.workspace)
            self.connections[index] = fresh  # stopped with the others, whatever happens next
            await fresh.start()
            if fresh.state == "ready":
                self._register(fresh)
            return fresh

    async def stop(self) -> None:
        await asyncio.gather(*(conn.stop() for conn in self.connections), return_exceptions=True)
