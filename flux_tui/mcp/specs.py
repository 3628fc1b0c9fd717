"""Which MCP servers a session starts: ``.mcp.json`` in the workspace and ``[mcp_servers.NAME]`` in flux.toml.

``.mcp.json`` is the file other assistants read (``{"mcpServers": {NAME: {"command", "args", "env"}}}``,
or ``"url"`` for a remote server); flux.toml's entry of the same name wins, and adds the approval policy.
``.mcp.json`` starts servers only in a trusted workspace (``core.trust``; ``load_config`` names them).
A file that cannot be read is a problem to report, never a reason not to start.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from flux_tui.core._config_mcp import McpServerSettings

MCP_JSON = ".mcp.json"
TOOL_PREFIX = "mcp__"
_NAME_LIMIT = 64  # the providers' limit on a tool name
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class McpServerSpec:
    name: str
    settings: McpServerSettings
    source: str  # ".mcp.json" or "flux.toml"

    def describe(self) -> str:
        """What it runs (never its environment, which may hold keys)."""
        if self.settings.url:
            # Without user info and query: either may carry a token.
            parts = urlsplit(self.settings.url)
            host = parts.hostname or ""
            if parts.port:
                host += f":{parts.port}"
            return urlunsplit((parts.scheme, host, parts.path, "", ""))
        return " ".join([self.settings.command or "", *self.settings.args]).strip()


@dataclass(slots=True)
class SpecsFound:
    specs: list[McpServerSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _from_json_entry(name: str, entry: Any) -> McpServerSettings:
    if not isinstance(entry, dict):
        raise ValueError("each server must be an object with command (and args, env) or url")
    # The timeouts are flux-tui's own keys; other assistants reading the same file ignore them.
    keys = ("command", "args", "env", "url", "startup_timeout", "call_timeout")
    known = {key: entry[key] for key in keys if key in entry}
    return McpServerSettings(**known)


def _reasons(exc: ValidationError) -> str:
    """Each error as ``field: message`` (pydantic's text ends with a link, of no use here)."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def read_mcp_json(path: Path) -> SpecsFound:
    found = SpecsFound()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return found
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.problems.append(f"{path}: cannot be read as JSON ({exc}); its MCP servers are not started")
        return found
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        found.problems.append(f'{path}: no "mcpServers" object; no MCP server started from it')
        return found
    for name, entry in servers.items():
        try:
            found.specs.append(McpServerSpec(str(name), _from_json_entry(str(name), entry), MCP_JSON))
        except ValidationError as exc:
            found.problems.append(f"{path}: MCP server {name!r} skipped: {_reasons(exc)}")
        except ValueError as exc:
            reason = str(exc) or type(exc).__name__
            found.problems.append(f"{path}: MCP server {name!r} skipped: {reason}")
    return found


def find_servers(
    workspace: Path, configured: dict[str, McpServerSettings], *, read_json: bool = True
) -> SpecsFound:
    """``read_json=False`` (an untrusted workspace): ``.mcp.json`` starts nothing."""
    found = read_mcp_json(workspace / MCP_JSON) if read_json else SpecsFound()
    by_name = {spec.name: spec for spec in found.specs}
    for name, settings in configured.items():
        by_name[name] = McpServerSpec(name, settings, "flux.toml")
    found.specs = [spec for spec in by_name.values() if spec.settings.enabled]
    return found


def workspace_trusted(config: Any, workspace: Path) -> bool:
    """Whether ``workspace``'s own files may start servers (a Config not from load_config: yes)."""
    trust = getattr(config, "workspace_trust", None)
    return trust is None or bool(trust.trusts(workspace))


def tool_name(server: str, tool: str, taken: set[str]) -> str:
    """``mcp__SERVER__TOOL``, made of the characters every provider accepts, unique in ``taken``."""
    base = _UNSAFE.sub("_", f"{TOOL_PREFIX}{server}__{tool}")[:_NAME_LIMIT]
    name, n = base, 2
    while name in taken:
        suffix = f"_{n}"
        name, n = base[: _NAME_LIMIT - len(suffix)] + suffix, n + 1
    return name
