"""The warm-up imports the answer's module (markdown-it, Rich's Markdown) in its thread: on the event
loop, right after the first frame, it would hold back the echo of the first keys typed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_CODE = """
import asyncio, json, sys, threading
from importlib.abc import MetaPathFinder

NAME = "flux_tui.ui.widgets.answer_markdown"
seen = []

class Watch(MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == NAME:
            seen.append(threading.current_thread() is threading.main_thread())
        return None

sys.meta_path.insert(0, Watch())
from flux_tui.core.config import load_config
from flux_tui.ui.app import FluxApp

config, problems = load_config()
app = FluxApp(config, problems=problems)

async def main():
    async with app.run_test() as pilot:
        for _ in range(500):
            if NAME in sys.modules:
                break
            await asyncio.sleep(0.01)

asyncio.run(main())
print(json.dumps({"loaded": NAME in sys.modules, "on_main_thread": seen}))
"""


def test_the_answer_module_is_imported_in_the_warm_up_thread(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLUX_", "ANTHROPIC_", "OPENAI_"))}
    env.update(FLUX_CONFIG_DIR=str(tmp_path / "config"), FLUX_DATA_DIR=str(tmp_path / "data"))
    # A key, and an endpoint that refuses at once: the warm-up runs, its model list fails quietly.
    env.update(ANTHROPIC_API_KEY="test-key-not-real", ANTHROPIC_BASE_URL="http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-c", _CODE], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"loaded": True, "on_main_thread": [False]}
