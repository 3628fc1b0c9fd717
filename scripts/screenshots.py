"""Regenerate ``screenshots/*.svg``: the real app driven against the project's fake API server.

    python scripts/screenshots.py [--out screenshots] [--only NAME ...]

Each picture is a scenario from ``tests/ui/ui_scenarios.py`` (the snapshot tests run the same steps), run
in a throw-away workspace with test keys, so no real key or network is involved.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "ui")]

from fakeapi import FakeAPI  # noqa: E402
from ui_pilot import SIZE  # noqa: E402
from ui_scenarios import SCENARIOS, fixed_tool_durations  # noqa: E402

from flux_tui.core.config import load_config  # noqa: E402
from flux_tui.ui.app import FluxApp  # noqa: E402


def isolate(home: Path) -> Path:
    """No real key, config file or working directory leaks into a picture."""
    for name in list(os.environ):
        if name.upper().startswith(("FLUX_", "ANTHROPIC_", "OPENAI_")):
            del os.environ[name]
    (home / "config").mkdir()
    os.environ["FLUX_CONFIG_DIR"] = str(home / "config")
    os.environ["FLUX_DATA_DIR"] = str(home / "data")
    workspace = home / "project"
    workspace.mkdir()
    os.chdir(workspace)
    return workspace


async def shoot(name: str, api: FakeAPI, workspace: Path) -> str:
    config, problems = load_config(
        anthropic_api_key="test-anthropic-key",
        openai_api_key="test-openai-key",
        anthropic_base_url=api.anthropic_base_url,
        openai_base_url=api.openai_base_url,
    )
    app = FluxApp(config, problems=problems, workspace=workspace)
    async with app.run_test(size=SIZE) as pilot:
        await SCENARIOS[name](pilot, api, workspace)
        svg = app.export_screenshot(title="flux-tui")
        if app.turn_running:  # the approval scenario stops with the dialog open
            app.action_cancel_turn()
            await app.wait_for_turn()
    return svg


async def main(out: Path, only: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    names = only or list(SCENARIOS)
    with tempfile.TemporaryDirectory() as home:
        workspace = isolate(Path(home))
        for name in names:
            for stale in workspace.iterdir():
                stale.unlink()
            with FakeAPI() as api, fixed_tool_durations():
                from flux_tui.core import pricing

                pricing.price_at_list(api.base_url)  # it stands in for the real APIs
                svg = await shoot(name, api, workspace)
            target = out / f"{name}.svg"
            target.write_text(svg, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--only", nargs="*", default=[], choices=sorted(SCENARIOS))
    args = parser.parse_args()
    asyncio.run(main(args.out.resolve(), args.only))
