"""MCP server settings that are wrong are named truly: the field and pydantic's message (no link line),
and a server with neither command nor url is not said to have both."""

from __future__ import annotations

from pathlib import Path

from core_sandbox import ConfigEnv

from flux_tui.core.config import load_config
from flux_tui.mcp.specs import read_mcp_json


def test_a_bad_command_in_mcp_json_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / ".mcp.json"
    path.write_text('{"mcpServers": {"y": {"command": 5}}}', encoding="utf-8")
    found = read_mcp_json(path)
    assert found.specs == []
    [problem] = found.problems
    assert "skipped: command: Input should be a valid string" in problem
    assert "errors.pydantic.dev" not in problem and "For further information" not in problem


def test_a_server_with_neither_command_nor_url_in_mcp_json(tmp_path: Path) -> None:
    path = tmp_path / ".mcp.json"
    path.write_text('{"mcpServers": {"y": {"args": ["a"]}}}', encoding="utf-8")
    [problem] = read_mcp_json(path).problems
    assert "set command (a local server) or url" in problem and "not both" not in problem


def test_a_bad_command_in_flux_toml_is_not_called_both(cfg_env: ConfigEnv) -> None:
    cfg_env.local_toml("[mcp_servers.x]\ncommand = 5\n")
    config, problems = load_config()
    said = [str(p) for p in problems]
    assert any("mcp_servers.x.command" in s and "valid string" in s for s in said)
    assert not any("not both" in s or "Value error" in s for s in said)
    assert any("[mcp_servers.x] was ignored" in s for s in said)
    assert "x" not in config.mcp_servers
