"""ToolBox: schemas, policy (defaults, flux.toml, yolo, session approvals) and construction from Config."""

from __future__ import annotations

from pathlib import Path

import pytest

from flux_tui.core.config import Config
from flux_tui.core.errors import ConfigError
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import DEFAULT_POLICY, ToolBox


def test_schemas_are_anthropic_format(tmp_path: Path) -> None:
    schemas = ToolBox(tmp_path).schemas()
    assert [s["name"] for s in schemas] == [
        "read_file",
        "list_files",
        "search_files",
        "write_file",
        "edit_file",
        "run_command",
    ]
    for schema in schemas:
        assert set(schema) == {"name", "description", "input_schema"}
        assert schema["description"]
        assert schema["input_schema"]["type"] == "object"
        assert set(schema["input_schema"].get("required", [])) <= set(schema["input_schema"]["properties"])
    by_name = {s["name"]: s for s in schemas}
    assert by_name["edit_file"]["input_schema"]["required"] == ["path", "old_string", "new_string"]
    assert set(by_name["read_file"]["input_schema"]["properties"]) == {"path", "offset", "limit"}


def decision(box: ToolBox, name: str, args: dict | None = None) -> str:
    return box.prepare(ToolCall("x", name, args or {"path": "f", "content": "", "command": "true"})).decision


def test_default_policy_reads_freely_and_asks_for_changes(tmp_path: Path) -> None:
    box = ToolBox(tmp_path)
    assert DEFAULT_POLICY["read_file"] == "allow"
    assert decision(box, "read_file", {"path": "f"}) == "auto"
    assert decision(box, "list_files", {}) == "auto"
    assert decision(box, "search_files", {"pattern": "x"}) == "auto"
    for name in ("write_file", "run_command"):
        prepared = box.prepare(ToolCall("x", name, {"path": "f", "content": "", "command": "true"}))
        assert prepared.decision == "ask" and prepared.needs_approval


def test_policy_from_config_yolo_and_session(tmp_path: Path) -> None:
    box = ToolBox(tmp_path, policy={"run_command": "allow", "write_file": "deny", "read_file": "ask"})
    assert decision(box, "run_command") == "auto"
    assert decision(box, "write_file") == "policy_deny"
    assert decision(box, "read_file", {"path": "f"}) == "ask"
    assert "write_file" not in [s["name"] for s in box.schemas()]

    box.allow_for_session("read_file")
    assert decision(box, "read_file", {"path": "f"}) == "auto"

    yolo = ToolBox(tmp_path, policy={"write_file": "deny"}, yolo=True)
    assert decision(yolo, "edit_file", {"path": "f", "old_string": "a", "new_string": "b"}) != "ask"
    assert decision(yolo, "run_command") == "yolo"
    assert decision(yolo, "write_file") == "policy_deny"  # an explicit deny still holds


def test_invalid_policy_value_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be one of allow, ask, deny"):
        ToolBox(tmp_path, policy={"run_command": "sometimes"})
    with pytest.raises(ConfigError):
        ToolBox(tmp_path / "missing")


def test_unknown_tool_and_non_object_input(tmp_path: Path) -> None:
    box = ToolBox(tmp_path)
    unknown = box.prepare(ToolCall("x", "delete_everything", {}))
    assert unknown.error and "unknown tool" in unknown.error and "read_file" in unknown.error
    odd = box.prepare(ToolCall("x", "read_file", ["a"]))  # type: ignore[arg-type]
    assert odd.error and "JSON object" in odd.error


def test_from_config(tmp_path: Path) -> None:
    config = Config(
        workspace=tmp_path,
        yolo=False,
        tools={"policy": {"run_command": "deny"}, "command_timeout": 7},
    )
    box = ToolBox.from_config(config)
    assert box.root == tmp_path.resolve()
    assert box.policy["run_command"] == "deny" and box.policy["write_file"] == "ask"
    assert box.ctx.command_timeout == 7
    assert ToolBox.from_config(config, yolo=True).yolo
