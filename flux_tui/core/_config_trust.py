"""What an untrusted workspace may not set: ``load_config`` removes it from the workspace's sources.

The workspace's ``flux.toml`` and ``.env`` are screened before the sources are merged, so the user's
own value (user flux.toml, environment, arguments) or the default applies instead. Removed:

- ``yolo``, tool policies looser than the default, a ``secret_files`` list that reads secrets freely;
- ``mcp_servers`` (they start commands), ``fallback``, ``data_dir``, ``config_dir``, ``workspace``;
- ``api_key_env`` naming a variable other than the provider's own key variable;
- a base URL, unless the key the provider would send there is empty or written in the workspace itself
  (checked once the sources are merged: ``unsafe_base_urls``).

``.mcp.json`` servers are listed here for the notice; ``flux_tui.mcp`` does not start them.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flux_tui.core import provider_registry
from flux_tui.core._config_models import DEFAULT_SECRET_FILES, DEFAULT_TOOL_POLICY
from flux_tui.core.trust import IgnoredSetting

if TYPE_CHECKING:
    from flux_tui.core._config_load import _Layer
    from flux_tui.core.config import Config

Naming = Callable[[tuple[str, ...]], str]

_DIRS = {
    "data_dir": "keeps sessions and logs in another directory",
    "config_dir": "reads user settings from another directory",
    "workspace": "lets the file tools reach another directory",
}


def _true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)


def _looser_secret_files(patterns: Any) -> bool:
    given = {str(p).lower() for p in patterns} if isinstance(patterns, list | tuple) else set()
    defaults = {p.lower() for p in DEFAULT_SECRET_FILES}
    return not defaults <= given or any(p.startswith("!") and p not in defaults for p in given)


def screen_layer(layer: _Layer, name: Naming) -> list[IgnoredSetting]:
    """Remove from one workspace source what needs trust; returns what was removed."""
    data = layer.data
    ignored: list[IgnoredSetting] = []

    def drop(path: tuple[str, ...], effect: str) -> None:
        ignored.append(IgnoredSetting(layer.label, layer.locator(path), name(path), effect))

    if "yolo" in data and _true(data["yolo"]):
        del data["yolo"]
        drop(("yolo",), "runs every tool without asking")
    tools = data.get("tools")
    if isinstance(tools, dict):
        policy = tools.get("policy")
        if isinstance(policy, dict):
            for tool, value in list(policy.items()):
                if value == "allow" and DEFAULT_TOOL_POLICY.get(tool, "ask") != "allow":
                    del policy[tool]
                    drop(("tools", "policy", tool), f"runs {tool} without asking")
        if "secret_files" in tools and _looser_secret_files(tools["secret_files"]):
            del tools["secret_files"]
            drop(("tools", "secret_files"), "reads files that usually hold secrets without asking")
    servers = data.get("mcp_servers")
    if isinstance(servers, dict) and servers:
        for server, entry in servers.items():
            drop(("mcp_servers", server), f"starts the MCP server {_describe(entry)}")
        del data["mcp_servers"]
    if data.get("fallback"):
        del data["fallback"]
        drop(("fallback",), "sends requests to other providers when this one fails")
    for key, effect in _DIRS.items():
        if data.get(key) not in (None, ""):
            del data[key]
            drop((key,), effect)
    providers = data.get("providers")
    if isinstance(providers, dict):
        for provider, entry in providers.items():
            var = entry.get("api_key_env") if isinstance(entry, dict) else None
            spec = provider_registry.spec(provider)
            if var and var not in (spec.key_envs if spec is not None else ()):
                del entry["api_key_env"]
                drop(("providers", provider, "api_key_env"), f"gives provider {provider} the key in ${var}")
    return ignored


def _describe(entry: Any) -> str:
    if not isinstance(entry, dict):
        return "(unreadable)"
    if entry.get("url"):
        return f"at {_host(str(entry['url']))}"
    args = entry.get("args") if isinstance(entry.get("args"), list) else []
    return "`" + " ".join(str(p) for p in [entry.get("command") or "", *args]).strip() + "`"


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    except ValueError:
        return "another server"
    return f"{parts.scheme}://{host}"


def mcp_json_servers(workspace: Path) -> list[IgnoredSetting]:
    """The servers ``.mcp.json`` in ``workspace`` would start (what the notice names)."""
    path = workspace / ".mcp.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return []
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        return []
    return [
        IgnoredSetting(str(path), None, f"mcpServers.{name}", f"starts the MCP server {_describe(entry)}")
        for name, entry in servers.items()
    ]


# -- base URLs ------------------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def held_values(toml_layers: list[_Layer], dotenv_file: Path) -> set[str]:
    """The values written in the workspace's own files: sending them anywhere leaks nothing of the user's.

    ``.env`` is read without interpolation: ``${OPENAI_API_KEY}`` there is the user's key, not the file's.
    """
    held = {s for layer in toml_layers for s in _strings(layer.data)}
    try:
        from dotenv import dotenv_values

        plain = dotenv_values(dotenv_file, interpolate=False) if dotenv_file.is_file() else {}
    except Exception:  # an unreadable .env holds nothing
        plain = {}
    for value in plain.values():
        if not value or "$" in value:
            continue
        held.add(value)
        with contextlib.suppress(ValueError, RecursionError):  # a table or list given as JSON
            held.update(_strings(json.loads(value)))
    held.discard("")
    return held


def _base_urls(data: dict[str, Any], provider: str) -> list[tuple[tuple[str, ...], str]]:
    found: list[tuple[tuple[str, ...], str]] = []
    shortcut = data.get(f"{provider}_base_url")
    if isinstance(shortcut, str) and shortcut:
        found.append(((f"{provider}_base_url",), shortcut))
    entry = (data.get("providers") or {}).get(provider)
    if isinstance(entry, dict) and isinstance(entry.get("base_url"), str) and entry["base_url"]:
        found.append((("providers", provider, "base_url"), entry["base_url"]))
    return found


def unsafe_base_urls(
    config: Config,
    workspace: list[tuple[_Layer, Naming]],
    outside: list[_Layer],
    dotenv_raw: dict[str, str],
    dotenv_file: Path,
    dotenv_line: Callable[[str], int | None],
) -> list[IgnoredSetting]:
    """Remove the workspace's base URL of each provider that would send it a key or header the workspace
    does not hold (the user's own); returns what was removed. The caller merges the sources again."""
    held = held_values([layer for layer, _ in workspace if layer.label != ".env"], dotenv_file)
    ignored: list[IgnoredSetting] = []
    for provider in config.provider_names():
        settings = config.provider_settings(provider)
        url = settings.base_url
        spec = provider_registry.spec(provider)
        url_env = spec.base_url_env if spec is not None else None
        mine = {v for layer in outside for _, v in _base_urls(layer.data, provider)}
        if url_env and os.environ.get(url_env):
            mine.add(os.environ[url_env])
        if not url or url in mine:
            continue
        kind = provider_registry.spec(settings.kind)
        keys = [settings.api_key] if settings.api_key else []
        # No key given: the SDK reads its own variable, unless the provider works without a key (it
        # then sends a placeholder).
        if not keys and kind is not None and not kind.local_needs_no_key:
            keys = [os.environ[env] for env in kind.key_envs if os.environ.get(env)]
        if all(value in held for value in [*keys, *settings.extra_headers.values()]):
            continue
        effect = f"sends your {settings.api_key_env or 'API key'} to {_host(url)}"
        for layer, name in workspace:
            for path, _ in _base_urls(layer.data, provider):
                _remove(layer.data, path)
                ignored.append(IgnoredSetting(layer.label, layer.locator(path), name(path), effect))
        if url_env and url_env in dotenv_raw:
            del dotenv_raw[url_env]
            if not any(item.setting == url_env for item in ignored):
                ignored.append(IgnoredSetting(".env", dotenv_line(url_env), url_env, effect))
    return ignored


def _remove(data: dict[str, Any], path: tuple[str, ...]) -> None:
    current = data
    for part in path[:-1]:
        current = current[part]
    del current[path[-1]]
