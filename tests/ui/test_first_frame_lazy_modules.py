"""Modules the app's first frame does not need are not imported by it: the cost attribution (made with
the first event), the tool inspector's table and details (mounted when it has a call or is opened), the
clipboard helpers (the first copy) and ``email.parser`` (Textual's version is read from its METADATA's
header). Checked in a fresh interpreter, after the app has mounted its conversation screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NOT_IN_THE_FIRST_FRAME = (
    "flux_tui.core.attribution",
    "flux_tui.ui.widgets.tool_inspector_parts",
    "flux_tui.ui.copying",
    "email.parser",
)

_CODE = """
import asyncio, json, sys
from flux_tui.core.config import load_config
from flux_tui.ui.app import FluxApp
after_import = [name for name in NAMES if name in sys.modules]
config, problems = load_config()
app = FluxApp(config, problems=problems)
app._after_first_frame = lambda: None  # the warm-ups after the first frame are not what is measured

async def main():
    async with app.run_test() as pilot:
        await pilot.pause()
        return [name for name in NAMES if name in sys.modules]

after_mount = asyncio.run(main())
print(json.dumps({"after_import": after_import, "after_mount": after_mount}))
"""


def test_the_first_frame_leaves_them_out(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLUX_", "ANTHROPIC_", "OPENAI_"))}
    env.update(FLUX_CONFIG_DIR=str(tmp_path / "config"), FLUX_DATA_DIR=str(tmp_path / "data"))
    env.update(ANTHROPIC_API_KEY="test-key-not-real", FLUX_PROVIDER="anthropic")
    code = f"NAMES = {NOT_IN_THE_FIRST_FRAME!r}\n" + _CODE
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"after_import": [], "after_mount": []}
