"""What ``flux-tui run`` says and tells the model is about ``flux-tui run``: the step limit names
``flux-tui run --continue`` (the app's own notice names ``/continue``), counts are worded for their
number, and a tool call denied because nobody can approve it is not said to be denied by a user."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from agent_rig import KEYS, MODELS, MakeRig
from fakeapi import FakeAPI

from flux_tui.core.agent_events import Notice, ToolCallDecided
from flux_tui.core.config import Config
from flux_tui.headless import EXIT_MAX_STEPS, EXIT_OK, run_headless


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


def config_for(api: FakeAPI, workspace: Path, **extra: Any) -> Config:
    return Config(
        provider="anthropic",
        model=MODELS["anthropic"],
        workspace=workspace,
        anthropic_api_key=KEYS["anthropic"],
        anthropic_base_url=api.anthropic_base_url,
        **extra,
    )


async def run(config: Config, prompt: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_headless(config, prompt, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("steps", "counted"), [(1, "1 model request "), (2, "2 model requests ")])
async def test_the_headless_step_limit_names_run_continue(
    fake_api: FakeAPI, workspace: Path, steps: int, counted: str
) -> None:
    (workspace / "f.txt").write_text("x\n")
    for n in range(steps):
        fake_api.queue_anthropic_tool_use([(f"toolu_{n}", "read_file", {"path": "f.txt"})])
    code, _out, err = await run(config_for(fake_api, workspace, tools={"max_steps": steps}), "loop")
    assert code == EXIT_MAX_STEPS
    assert counted in err
    assert "flux-tui run --continue" in err
    assert "Send 'continue'" not in err and "/continue" not in err


async def test_the_apps_step_limit_names_slash_continue(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic", max_steps=1)
    (rig.workspace / "f.txt").write_text("x\n")
    rig.queue_calls([("toolu_1", "read_file", {"path": "f.txt"})])
    assert await rig.agent.run_turn("loop") == "max_steps"
    notice = next(e for e in rig.recorder.events if isinstance(e, Notice) and "max_steps" in e.text)
    assert "1 model request " in notice.text
    assert "/continue" in notice.text and "Send 'continue'" not in notice.text


async def test_a_headless_denial_is_not_put_on_a_user(fake_api: FakeAPI, workspace: Path) -> None:
    fake_api.queue_anthropic_tool_use([("toolu_w", "write_file", {"path": "out.txt", "content": "x"})])
    fake_api.queue_anthropic_text("I could not write it.")
    seen: list[Any] = []
    out, err = io.StringIO(), io.StringIO()
    config = config_for(fake_api, workspace)
    code = await run_headless(config, "Write out.txt", out=out, err=err, sinks=[seen.append])
    assert code == EXIT_OK
    result = fake_api.requests_to("/v1/messages")[1].body["messages"][-1]["content"][0]
    assert result["is_error"]
    assert "user" not in result["content"]
    assert result["content"].startswith("denied: flux-tui run is non-interactive")
    decided = next(e for e in seen if isinstance(e, ToolCallDecided))
    assert decided.decision == "denied" and decided.by_user is False
