"""``.mcp.json`` entries may set the startup and call timeouts (flux-tui's own keys)."""

from __future__ import annotations

import json
from pathlib import Path

from flux_tui.mcp.specs import read_mcp_json


def test_mcp_json_sets_the_startup_timeout(tmp_path: Path) -> None:
    path = tmp_path / ".mcp.json"
    entry = {"command": "sleep", "args": ["1"], "startup_timeout": 3, "call_timeout": 9}
    path.write_text(json.dumps({"mcpServers": {"slow": entry}}))
    found = read_mcp_json(path)
    assert not found.problems
    (spec,) = found.specs
    assert spec.settings.startup_timeout == 3 and spec.settings.call_timeout == 9


def test_without_it_the_default_holds(tmp_path: Path) -> None:
    path = tmp_path / ".mcp.json"
    path.write_text(json.dumps({"mcpServers": {"s": {"command": "sleep"}}}))
    (spec,) = read_mcp_json(path).specs
    assert spec.settings.startup_timeout == 30
