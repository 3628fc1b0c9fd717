"""``flux-tui compare`` gives each target what the recording had: the project's instructions in the
system prompt and the MCP servers' tools (denied there unless ``--allow-commands``, as commands are,
since they reach outside the scratch copy); and its JSON says how each call and each turn ended."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI
from mcp_notes import notes_server

from flux_tui import cli
from flux_tui.core.agent_events import AgentEvent, TextDelta, TurnFinished, TurnStarted
from flux_tui.sessions import SessionStore
from flux_tui.sessions.commands import DB_FILENAME

CHAT = "/v1/chat/completions"


def recording(prompt: str) -> list[AgentEvent]:
    t0 = 1_700_000_000.0
    return [
        TurnStarted(ts=t0, turn_id="t1", prompt=prompt, provider="anthropic", model="claude-sonnet-4-6"),
        TextDelta(ts=t0 + 1, text="Recorded answer."),
        TurnFinished(ts=t0 + 2, stop_reason="end_turn"),
    ]


@pytest.fixture
def workspace(cli_env: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-openai-key")
    work = cli_env / "work"
    (work / ".mcp.json").write_text(json.dumps({"mcpServers": {"notes": notes_server()}}))
    (work / "AGENTS.md").write_text("Always answer like a pirate.\n")
    (cli_env / "data").mkdir()
    with SessionStore(cli_env / "data" / DB_FILENAME) as store:
        store.append(store.create_session(), recording("add 2 and 3"))
    return work


def compare(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = cli.main(["compare", "last", "--against", "openai:gpt-4o", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out else {}, captured.err


def last_tool_result(fake: FakeAPI) -> str:
    messages = fake.last_request(CHAT).body["messages"]
    return next(m["content"] for m in reversed(messages) if m["role"] == "tool")


def test_the_target_gets_the_instructions_and_the_mcp_tools_denied(
    workspace: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.queue_openai_tool_calls([("c1", "mcp__notes__add", {"a": 2, "b": 3})])
    fake_api.queue_openai_text("Arr, I may not.")
    code, data, err = compare(capsys)
    assert code == 0, err
    first = fake_api.requests_to(CHAT)[0].body
    system = next(m["content"] for m in first["messages"] if m["role"] == "system")
    assert "Always answer like a pirate." in system
    assert {"mcp__notes__add", "mcp__notes__whoami"} <= {t["function"]["name"] for t in first["tools"]}
    assert "MCP tools are not run in a comparison" in last_tool_result(fake_api)
    call = data["runs"][1]["turns"][0]["tool_calls"][0]
    assert (call["name"], call["status"]) == ("mcp__notes__add", "denied")


def test_allow_commands_lets_the_mcp_tools_run(
    workspace: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.queue_openai_tool_calls([("c1", "mcp__notes__add", {"a": 2, "b": 3})])
    fake_api.queue_openai_text("Five.")
    code, data, err = compare(capsys, "--allow-commands")
    assert code == 0, err
    assert last_tool_result(fake_api) == "5"
    turn = data["runs"][1]["turns"][0]
    assert turn["tool_calls"][0]["status"] == "done" and turn["error"] is None
    assert turn["estimated"] is False


def test_a_server_that_does_not_start_is_said_and_the_comparison_goes_on(
    workspace: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = {"command": sys.executable, "args": ["-c", "raise SystemExit(3)"]}
    (workspace / ".mcp.json").write_text(json.dumps({"mcpServers": {"broken": broken}}))
    fake_api.queue_openai_text("Fine without it.")
    code, data, err = compare(capsys)
    assert code == 0, err
    assert "compare: openai:gpt-4o: MCP server broken did not start" in err
    assert data["runs"][1]["turns"][0]["answer"] == "Fine without it."


def test_a_turn_that_failed_says_why_in_the_json(
    workspace: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / ".mcp.json").unlink()
    fake_api.queue_error(CHAT, 401, message="Incorrect API key provided")
    code, data, _err = compare(capsys)
    assert code == 1
    turn = data["runs"][1]["turns"][0]
    assert turn["error"] == "invalid key for openai (OPENAI_API_KEY)"


def test_commands_are_offered_as_in_the_recording_and_denied_at_the_call(
    workspace: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / ".mcp.json").unlink()
    fake_api.queue_openai_tool_calls([("c1", "run_command", {"command": "touch made.txt"})])
    fake_api.queue_openai_text("Could not.")
    code, data, err = compare(capsys)
    assert code == 0, err
    offered = {t["function"]["name"] for t in fake_api.requests_to(CHAT)[0].body["tools"]}
    assert "run_command" in offered  # the same tool definitions (and their tokens) as the recording
    assert "commands are not run in a comparison" in last_tool_result(fake_api)
    assert data["runs"][1]["turns"][0]["tool_calls"][0]["status"] == "denied"
    assert not list(workspace.glob("made.txt"))


def test_a_key_from_flux_toml_read_by_a_tool_reaches_the_target_redacted(
    workspace: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / ".mcp.json").unlink()
    key = "gw-" + "Qz7Lp2Vb" * 5
    config_dir = workspace.parent / "config"
    (config_dir / "flux.toml").write_text(
        f'[providers.gateway]\nkind = "openai"\nbase_url = "https://gateway.example/v1"\napi_key = "{key}"\n'
    )
    (workspace / "deploy.txt").write_text(f"token: {key}\n")
    fake_api.queue_openai_tool_calls([("c1", "read_file", {"path": "deploy.txt"})])
    fake_api.queue_openai_text("Read.")
    code, _data, err = compare(capsys)
    assert code == 0, err
    result = last_tool_result(fake_api)
    assert "token: [redacted" in result
    assert key not in json.dumps([r.body for r in fake_api.requests])


async def test_a_comparison_cancelled_while_its_servers_start_stops_them(
    workspace: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from flux_tui.compare.plan import Step
    from flux_tui.compare.runner import rerun
    from flux_tui.core.config import load_config
    from flux_tui.mcp.manager import McpManager

    starting, stopped = asyncio.Event(), []

    async def never_done(self: McpManager) -> None:
        starting.set()
        await asyncio.Event().wait()

    async def stop(self: McpManager) -> None:
        stopped.append(self)

    monkeypatch.setattr(McpManager, "start", never_done)
    monkeypatch.setattr(McpManager, "stop", stop)
    config, _problems = load_config(workspace=workspace)
    job = asyncio.ensure_future(rerun(config, [Step("hi")], ("openai", "gpt-4o")))
    await asyncio.wait_for(starting.wait(), 10)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert len(stopped) == 1  # the compare screen closed: no server left running
