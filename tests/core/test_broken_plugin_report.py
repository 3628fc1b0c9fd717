"""A provider plug-in that cannot be loaded is one configuration problem, with the program's name when
a command prints it, and no bare warning on stderr."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_sandbox import ConfigEnv

from flux_tui.core import provider_registry
from flux_tui.core.config import load_config

WORKTREE = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken() -> Iterator[None]:
    provider_registry.register("broken", "no_such_module_for_flux_tests:Nope")
    try:
        yield
    finally:
        provider_registry.unregister("broken")


def test_it_is_one_problem_and_no_warning(
    cfg_env: ConfigEnv, broken: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        _config, problems = load_config()
    said = [str(p) for p in problems if "broken" in str(p)]
    assert len(said) == 1 and "cannot be loaded" in said[0] and "left out" in said[0]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "broken" in r.getMessage()]


def test_a_command_prints_it_with_the_prefix_once(tmp_path: Path) -> None:
    dist = tmp_path / "site" / "brokenplug-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenplug\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[flux_tui.providers]\nbroken = no_such_module_for_flux_tests:X\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLUX_", "OPENAI_", "ANTHROPIC_"))}
    env.update(
        PYTHONPATH=f"{WORKTREE}{os.pathsep}{tmp_path / 'site'}",
        FLUX_CONFIG_DIR=str(tmp_path / "config"),
        FLUX_DATA_DIR=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "flux_tui", "run"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    lines = [line for line in done.stderr.splitlines() if "broken" in line]
    assert len(lines) == 1 and lines[0].startswith("flux-tui: "), done.stderr
