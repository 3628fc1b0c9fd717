"""Which MCP servers start (``.mcp.json``, ``[mcp_servers.NAME]``), and the names their tools get."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from flux_tui.core._config_mcp import McpServerSettings
from flux_tui.mcp.specs import find_servers, tool_name


def test_mcp_json_and_flux_toml_servers_are_merged_with_flux_toml_winning(tmp_path: Path) -> None:
    servers = {"a": {"command": "srv-a", "args": ["-x"], "env": {"K": "v"}}, "b": {"url": "http://h/mcp"}}
    (tmp_path / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    configured = {"a": McpServerSettings(command="other"), "c": McpServerSettings(command="c")}
    found = find_servers(tmp_path, configured)
    by_name = {spec.name: spec for spec in found.specs}
    assert set(by_name) == {"a", "b", "c"} and not found.problems
    assert by_name["a"].settings.command == "other" and by_name["a"].source == "flux.toml"
    assert by_name["b"].describe() == "http://h/mcp" and by_name["b"].source == ".mcp.json"


def test_a_bad_entry_is_skipped_with_a_reason_and_the_others_start(tmp_path: Path) -> None:
    servers = {"ok": {"command": "x"}, "bad": {"args": []}, "worse": 3}
    (tmp_path / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    found = find_servers(tmp_path, {})
    assert [spec.name for spec in found.specs] == ["ok"]
    assert len(found.problems) == 2 and "'bad' skipped" in found.problems[0]


def test_disabled_servers_do_not_start(tmp_path: Path) -> None:
    found = find_servers(tmp_path, {"off": McpServerSettings(command="x", enabled=False)})
    assert found.specs == []


def test_settings_need_exactly_one_transport() -> None:
    with pytest.raises(ValidationError):
        McpServerSettings()
    with pytest.raises(ValidationError):
        McpServerSettings(command="x", url="http://h")


def test_tool_names_are_safe_short_and_unique() -> None:
    assert tool_name("notes", "add", set()) == "mcp__notes__add"
    assert tool_name("my.server", "do it", set()) == "mcp__my_server__do_it"
    taken = {"mcp__a_b__t"}
    assert tool_name("a.b", "t", taken) == "mcp__a_b__t_2"
    long = tool_name("s" * 40, "t" * 40, set())
    assert len(long) == 64 and long.startswith("mcp__sss")


def test_the_app_module_does_not_import_the_mcp_sdk() -> None:
    code = "import sys, flux_tui.ui.app, flux_tui.headless; print('mcp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_url_is_shown_without_the_credentials_it_may_carry(tmp_path: Path) -> None:
    url = "https://user:hunter2@mcp.example.com:8443/mcp?api_key=s3cret"
    found = find_servers(tmp_path, {"remote": McpServerSettings(url=url)})
    assert found.specs[0].describe() == "https://mcp.example.com:8443/mcp"
