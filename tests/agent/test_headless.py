"""``run_headless`` (behind ``flux-tui run``) against the fake API with the real providers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from agent_rig import KEYS, MODELS
from fakeapi import FakeAPI

from flux_tui.core.config import Config
from flux_tui.headless import EXIT_CONFIG, EXIT_FAILED, EXIT_MAX_STEPS, EXIT_OK, run_headless


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Keep the user's real flux.toml / .env / keys out of these tests.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


def config_for(api: FakeAPI, workspace: Path, kind: str = "anthropic", **extra: Any) -> Config:
    return Config(
        provider=kind,
        model=MODELS[kind],
        workspace=workspace,
        **{
            f"{kind}_api_key": KEYS[kind],
            f"{kind}_base_url": api.anthropic_base_url if kind == "anthropic" else api.openai_base_url,
        },
        **extra,
    )


async def run(config: Config, prompt: str, **kw: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_headless(config, prompt, out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_prints_the_answer_and_tool_activity(fake_api: FakeAPI, workspace: Path, kind: str) -> None:
    (workspace / "notes.md").write_text("remember the milk\n")
    if kind == "anthropic":
        fake_api.queue_anthropic_tool_use([("toolu_1", "read_file", {"path": "notes.md"})])
        fake_api.queue_anthropic_text("You need to buy milk.")
    else:
        fake_api.queue_openai_tool_calls([("call_1", "read_file", {"path": "notes.md"})])
        fake_api.queue_openai_text("You need to buy milk.")

    code, out, err = await run(config_for(fake_api, workspace, kind), "What do my notes say?")

    assert code == EXIT_OK
    assert out == "You need to buy milk.\n"
    assert '[tool] read_file {"path": "notes.md"}' in err
    assert "[tool] read_file done" in err
    body = fake_api.requests_to("/v1/messages" if kind == "anthropic" else "/v1/chat/completions")[0].body
    assert "You are Flux" in str(body)  # the configured system prompt


async def test_changes_are_denied_without_yolo(fake_api: FakeAPI, workspace: Path) -> None:
    fake_api.queue_anthropic_tool_use([("toolu_w", "write_file", {"path": "out.txt", "content": "x"})])
    fake_api.queue_anthropic_text("I could not write it.")

    code, out, err = await run(config_for(fake_api, workspace), "Write out.txt")

    assert code == EXIT_OK and out == "I could not write it.\n"
    assert not (workspace / "out.txt").exists()
    assert "write_file denied" in err and "--yolo" in err
    result = fake_api.requests_to("/v1/messages")[1].body["messages"][-1]["content"][0]
    assert result["is_error"] and result["content"].startswith("denied: ")  # no user was asked


async def test_yolo_runs_changes_and_says_so(fake_api: FakeAPI, workspace: Path) -> None:
    fake_api.queue_anthropic_tool_use([("toolu_w", "write_file", {"path": "out.txt", "content": "x\n"})])
    fake_api.queue_anthropic_text("Written.")

    code, _, err = await run(config_for(fake_api, workspace), "Write out.txt", yolo=True)

    assert code == EXIT_OK
    assert (workspace / "out.txt").read_text() == "x\n"
    assert "--yolo is on" in err


async def test_provider_failure_exits_non_zero_without_the_key(fake_api: FakeAPI, workspace: Path) -> None:
    fake_api.queue_error("/v1/messages", 401, message="invalid x-api-key")
    code, out, err = await run(config_for(fake_api, workspace), "hello")
    assert code == EXIT_FAILED
    assert out == ""
    assert "flux-tui: error:" in err
    assert KEYS["anthropic"] not in err


async def test_missing_key_is_a_config_error(workspace: Path) -> None:
    code, _, err = await run(Config(provider="anthropic", workspace=workspace), "hello")
    assert code == EXIT_CONFIG
    assert "ANTHROPIC_API_KEY is required for Anthropic provider" in err


async def test_step_limit_exit_code(fake_api: FakeAPI, workspace: Path) -> None:
    (workspace / "f.txt").write_text("x\n")
    fake_api.queue_anthropic_tool_use([("toolu_1", "read_file", {"path": "f.txt"})])
    config = config_for(fake_api, workspace, tools={"max_steps": 1})
    code, _, err = await run(config, "loop")
    assert code == EXIT_MAX_STEPS
    assert "warning" in err and "max_steps" in err
