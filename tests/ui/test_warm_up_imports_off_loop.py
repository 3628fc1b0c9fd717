"""The warm-up imports the answer's module (markdown-it, Rich's Markdown) in its thread: on the event
loop, right after the first frame, it would hold back the echo of the first keys typed. It also loads
what the first answer would load as it streams: the cost attribution and the redaction's patterns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_CODE = """
import asyncio, json, sys, threading
from importlib.abc import MetaPathFinder

NAMES = ("flux_tui.ui.widgets.answer_markdown", "flux_tui.core.attribution")
seen = {}

class Watch(MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in NAMES:
            seen.setdefault(fullname, []).append(threading.current_thread() is threading.main_thread())
        return None

sys.meta_path.insert(0, Watch())
from flux_tui.core._redact_patterns import key_patterns, labelled_patterns
from flux_tui.core.config import load_config
from flux_tui.ui.app import FluxApp

def compiled():
    return key_patterns.cache_info().currsize + labelled_patterns.cache_info().currsize

config, problems = load_config()
app = FluxApp(config, problems=problems)

async def main():
    async with app.run_test() as pilot:
        for _ in range(500):
            if all(name in sys.modules for name in NAMES) and compiled() == 2:
                break
            await asyncio.sleep(0.01)

before = compiled()
asyncio.run(main())
print(json.dumps({"on_main_thread": seen, "patterns": [before, compiled()]}))
"""


def test_the_warm_up_thread_loads_what_the_first_answer_needs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLUX_", "ANTHROPIC_", "OPENAI_"))}
    env.update(FLUX_CONFIG_DIR=str(tmp_path / "config"), FLUX_DATA_DIR=str(tmp_path / "data"))
    # A key, and an endpoint that refuses at once: the warm-up runs, its model list fails quietly.
    env.update(ANTHROPIC_API_KEY="test-key-not-real", ANTHROPIC_BASE_URL="http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-c", _CODE], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["on_main_thread"] == {
        "flux_tui.ui.widgets.answer_markdown": [False],
        "flux_tui.core.attribution": [False],
    }
    assert found["patterns"] == [0, 2]  # compiled by the warm-up, not before it, no answer needed
