"""AGENTS.md and the environment reach the provider: the fake API server sees them in the system prompt."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from test_headless_output import config_for, workspace  # noqa: F401  (the fixture)

from flux_tui.headless import EXIT_OK, run_headless


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_headless_request_carries_instructions_and_environment(
    fake_api: FakeAPI, workspace: Path, tmp_path: Path, kind: str  # noqa: F811
) -> None:
    (workspace / "AGENTS.md").write_text("Always answer in haiku.\n")
    user_dir = tmp_path / "config"
    user_dir.mkdir(exist_ok=True)
    (user_dir / "AGENTS.md").write_text("My name is Ada.\n")
    if kind == "anthropic":
        fake_api.queue_anthropic_text("ok")
    else:
        fake_api.queue_openai_text("ok")
    config = config_for(fake_api, workspace, kind, config_dir=user_dir)
    code = await run_headless(config, "hi", out=io.StringIO(), err=io.StringIO())
    assert code == EXIT_OK
    path = "/v1/messages" if kind == "anthropic" else "/chat/completions"
    body = fake_api.last_request(path).body
    system = json.dumps(body["system"] if kind == "anthropic" else body["messages"][0])
    assert "Always answer in haiku." in system and "My name is Ada." in system
    assert f"Workspace: {workspace}" in system and "Git repository: no" in system
    assert "You are Flux" in system  # the configured prompt stays first
