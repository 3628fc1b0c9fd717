"""``flux-tui run`` whose model asks for a catastrophic search: the run ends, and the model is told why.

Run as a child process (``python -m flux_tui run``) that the test kills after a bound: under ``re`` the
pattern holds the GIL for hours, and nothing inside the process could stop it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from agent_rig import KEYS, MODELS
from fakeapi import FakeAPI

REPO = Path(__file__).resolve().parents[2]
BOUND = 60.0


def test_a_hostile_search_ends_the_run_with_a_clear_result(fake_api: FakeAPI, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "long.txt").write_text("a" * 40_000 + "!\n")
    fake_api.queue_anthropic_tool_use([("toolu_s", "search_files", {"pattern": "(a+)+$"})])
    fake_api.queue_anthropic_text("That pattern was too costly.")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLUX_", "ANTHROPIC_", "OPENAI_"))}
    env |= {
        "PYTHONPATH": str(REPO),
        "ANTHROPIC_API_KEY": KEYS["anthropic"],
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
        "FLUX_PROVIDER": "anthropic",
        "FLUX_MODEL": MODELS["anthropic"],
        "FLUX_CONFIG_DIR": str(tmp_path / "config"),
        "FLUX_DATA_DIR": str(tmp_path / "data"),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flux_tui", "--workspace", str(ws), "run", "find the a's"],
            capture_output=True,
            text=True,
            timeout=BOUND,
            env=env,
            cwd=tmp_path,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"flux-tui run did not end within {BOUND:g} s")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "That pattern was too costly.\n"
    result = fake_api.requests_to("/v1/messages")[1].body["messages"][-1]["content"][0]
    assert result["tool_use_id"] == "toolu_s" and result["is_error"]
    assert "pattern too costly" in str(result["content"])
