"""The app's MCP servers: started after the first frame, listed by ``/mcp``, stopped with the app.

The servers start in a worker that lives as long as the app: Textual cancels it on exit, and its
``finally`` stops every server (a stdio server also ends when its stdin closes, should the process die).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from flux_tui.core.wording import counted
from flux_tui.ui.reports import md_code, md_text

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp


def start_mcp(app: FluxApp) -> None:
    """Start the configured servers (none: nothing is imported, nothing runs), once. Not while a
    replay plays: nothing runs then, and its end starts them (see ``ReplayController``)."""
    from flux_tui.mcp.specs import MCP_JSON

    if app.replay is not None or app.mcp is not None:
        return
    tools = app.agent.tools
    if tools is None or not hasattr(tools, "ctx"):
        return
    if not app.config.mcp_servers and not (app.workspace / MCP_JSON).exists():
        return
    from flux_tui.mcp.manager import McpManager

    def notify(text: str, level: str) -> None:
        app.conversation.notice(text, level)

    manager = McpManager(app.config, tools, notify, app.agent.redactor)
    app.mcp = manager
    app.run_worker(_hold(app, manager), name="mcp", group="mcp", exclusive=True)


async def _hold(app: FluxApp, manager: Any) -> None:
    try:
        await manager.start()
        ready = [conn.name for conn in manager.connections if conn.state == "ready"]
        if ready:
            count = sum(len(manager.tool_names.get(name, [])) for name in ready)
            app.conversation.notice(
                f"MCP: {', '.join(ready)} ready ({counted(count, 'tool')}). /mcp lists them."
            )
        await asyncio.Event().wait()  # until the app exits and cancels this worker
    finally:
        await manager.stop()


async def restart_mcp(app: FluxApp, name: str) -> None:
    """Restart server ``name``, or with no name every server that is not running (one that died, or
    failed to start); each says how it went."""
    manager = getattr(app, "mcp", None)
    if manager is None:
        app.conversation.notice("No MCP server is configured. /mcp says how to add one.", "warning")
        return
    stopped = ("failed", "stopped")  # not one still starting: that start goes on
    names = [name] if name else [conn.name for conn in manager.connections if conn.state in stopped]
    if not names:
        starting = [conn.name for conn in manager.connections if conn.state == "starting"]
        note = f"still starting: {', '.join(starting)}" if starting else "every MCP server is running"
        app.conversation.notice(f"Nothing to restart ({note}); /mcp restart NAME restarts one.")
        return
    for each in names:
        conn = await manager.restart(each)
        if conn is None:
            known = ", ".join(c.name for c in manager.connections) or "none"
            app.conversation.notice(f"No MCP server {each!r} (servers: {known}).", "warning")
        elif conn.state == "ready":
            count = counted(len(manager.tool_names.get(each, [])), "tool")
            app.conversation.notice(f"MCP server {each} restarted: ready ({count}).")
        else:
            app.conversation.notice(f"MCP server {each} did not start again: {conn.error}.", "warning")


def mcp_markdown(app: FluxApp) -> str:
    """What ``/mcp`` shows: each server, its state and where it is configured, what it runs, its tools.

    A list, not a table: a table's columns share the chat's width, and at 80 columns with the inspector
    open they cut the state and the command short. Names, states and commands come from the servers
    and the user's configuration, so they go in as literal text (``md_text``, ``md_code``).
    """
    from flux_tui.mcp.manager import NONE_CONFIGURED

    manager = getattr(app, "mcp", None)
    if manager is None:
        return NONE_CONFIGURED
    if not manager.connections and not manager.problems:
        return f"{NONE_CONFIGURED}\n\n{manager.untrusted}" if manager.untrusted else NONE_CONFIGURED
    lines = ["### MCP servers", ""]
    for conn in manager.connections:
        state = conn.state if conn.error is None else f"{conn.state}: {conn.error}"
        tools = manager.tool_names.get(conn.name, []) if conn.state == "ready" else []
        runs = conn.spec.describe()
        lines += [
            f"- **{md_text(conn.name)}**: {md_text(state)} (from {md_text(conn.spec.source)})",
            f"  - runs {md_code(runs) if runs.strip() else '—'}",
            f"  - tools: {', '.join(md_code(name) for name in tools) or '—'}",
        ]
    lines += [f"\n{problem}" for problem in [*manager.problems, *filter(None, [manager.untrusted])]]
    return "\n".join(lines)
