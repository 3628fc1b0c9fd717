"""MCP servers in ``flux-tui run``: a FastMCP server started by the test over stdio, its tools offered to
the model as ``mcp__SERVER__TOOL``, approved by the same policy, recorded in the session; a server that
fails to start or dies is reported and the run goes on."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp_notes import NOTES_SERVER, notes_server

from flux_tui.cli import main
from flux_tui.sessions import SessionStore

CHAT = "/v1/chat/completions"


def _mcp_json(work: Path, **servers: dict[str, Any]) -> None:
    (work / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))


def _tools_offered(fake: Any, index: int = 0) -> list[str]:
    body = fake.requests_to(CHAT)[index].body
    return [tool["function"]["name"] for tool in body.get("tools", [])]


def _last_tool_result(fake: Any) -> str:
    messages = fake.last_request(CHAT).body["messages"]
    return next(m["content"] for m in reversed(messages) if m["role"] == "tool")


def test_a_server_tool_is_offered_called_and_recorded(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    work = cli_env / "work"
    _mcp_json(work, notes=notes_server(env={"NOTES_USER": "ada"}))
    openai_fake.queue_openai_tool_calls([("c1", "mcp__notes__add", {"a": 2, "b": 3})])
    openai_fake.queue_openai_tool_calls([("c2", "mcp__notes__whoami", {})])
    openai_fake.queue_openai_text("2 + 3 = 5.")
    code = main(["run", "--yolo", "add 2 and 3"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    offered = _tools_offered(openai_fake)
    assert {"mcp__notes__add", "mcp__notes__whoami", "read_file"} <= set(offered)
    tools = openai_fake.requests_to(CHAT)[0].body["tools"]
    add = next(t for t in tools if t["function"]["name"] == "mcp__notes__add")
    assert add["function"]["parameters"]["required"] == ["a", "b"]
    messages = openai_fake.last_request(CHAT).body["messages"]
    results = [m["content"] for m in messages if m["role"] == "tool"]
    assert results[0] == "5" and results[1] == f"ada in {work}"
    assert "[tool] mcp__notes__add done" in captured.err
    with SessionStore(cli_env / "data" / "sessions.db") as store:
        loaded = store.load(store.list_sessions()[0].id)
    kinds = [(e.kind, getattr(e, "name", None)) for e in loaded.events]
    assert ("tool_call_proposed", "mcp__notes__add") in kinds


def test_a_token_in_the_servers_env_is_redacted_before_the_model_sees_it(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _mcp_json(cli_env / "work", notes=notes_server(env={"NOTES_TOKEN": "tok-1f2e3d4c5b6a"}))
    openai_fake.queue_openai_tool_calls([("c1", "mcp__notes__token", {})])
    openai_fake.queue_openai_text("Held back.")
    assert main(["run", "--yolo", "show the token"]) == 0, capsys.readouterr().err
    result = _last_tool_result(openai_fake)
    assert "tok-1f2e3d4c5b6a" not in result and "[redacted: NOTES_TOKEN]" in result
    for stored in (cli_env / "data").rglob("*"):
        assert not stored.is_file() or b"tok-1f2e3d4c5b6a" not in stored.read_bytes(), stored


def test_policy_per_server_and_per_tool_from_flux_toml(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    work = cli_env / "work"
    (work / "flux.toml").write_text(
        "[mcp_servers.notes]\n"
        f"command = {json.dumps(sys.executable)}\n"
        f"args = [{json.dumps(NOTES_SERVER)}]\n"
        'policy = "allow"\n'
        'tools = { crash = "deny" }\n'
    )
    openai_fake.queue_openai_tool_calls([("c1", "mcp__notes__add", {"a": 1, "b": 1})])
    openai_fake.queue_openai_text("Two.")
    code = main(["run", "one plus one"])  # no --yolo: "allow" runs it without asking
    assert code == 0, capsys.readouterr().err
    offered = _tools_offered(openai_fake)
    assert "mcp__notes__add" in offered and "mcp__notes__crash" not in offered
    assert _last_tool_result(openai_fake) == "2"


def test_ask_is_the_default_and_a_run_without_yolo_denies(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _mcp_json(cli_env / "work", notes=notes_server())
    openai_fake.queue_openai_tool_calls([("c1", "mcp__notes__add", {"a": 1, "b": 1})])
    openai_fake.queue_openai_text("Denied.")
    assert main(["run", "one plus one"]) == 0
    assert "needs approval" in _last_tool_result(openai_fake)
    assert "mcp__notes__add denied" in capsys.readouterr().err


def test_a_server_that_cannot_start_or_dies_is_reported_and_the_run_goes_on(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _mcp_json(
        cli_env / "work",
        broken={"command": str(cli_env / "no-such-server")},
        notes=notes_server(),
    )
    openai_fake.queue_openai_tool_calls([("c1", "mcp__notes__crash", {})])
    openai_fake.queue_openai_text("It crashed; going on.")
    code = main(["run", "--yolo", "crash it"])
    err = capsys.readouterr().err
    assert code == 0
    assert "MCP server broken did not start" in err
    assert "MCP server notes stopped" in err
    assert "no longer running" in _last_tool_result(openai_fake)
    assert "mcp__notes__add" not in _tools_offered(openai_fake, 1)  # withdrawn after it died
    assert "mcp__broken" not in json.dumps(openai_fake.requests_to(CHAT)[0].body.get("tools"))


def test_a_server_that_exits_at_once_is_reported_with_what_it_said(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    script = "import sys; sys.exit('notes: NOTES_DB is not set')"
    _mcp_json(cli_env / "work", early={"command": sys.executable, "args": ["-c", script]})
    openai_fake.queue_openai_text("ok")
    assert main(["run", "hi"]) == 0
    err = capsys.readouterr().err
    assert "MCP server early did not start" in err and "NOTES_DB is not set" in err


def test_a_broken_mcp_json_is_reported(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    (cli_env / "work" / ".mcp.json").write_text("{not json")
    openai_fake.queue_openai_text("ok")
    assert main(["run", "hi"]) == 0
    assert ".mcp.json: cannot be read as JSON" in capsys.readouterr().err


@pytest.fixture
def http_server() -> Iterator[str]:
    """The notes server over streamable HTTP on a free local port; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, NOTES_SERVER, "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_server_over_streamable_http(
    cli_env: Path, openai_fake: Any, http_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = f'[mcp_servers.remote]\nurl = "{http_server}"\npolicy = "allow"\n'
    (cli_env / "work" / "flux.toml").write_text(toml)
    openai_fake.queue_openai_tool_calls([("c1", "mcp__remote__add", {"a": 40, "b": 2})])
    openai_fake.queue_openai_text("42.")
    assert main(["run", "forty plus two"]) == 0, capsys.readouterr().err
    assert _last_tool_result(openai_fake) == "42"
