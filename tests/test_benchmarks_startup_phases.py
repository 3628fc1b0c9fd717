"""``python -m benchmarks.startup_phases``: every step of the path to the app is timed in a fresh process,
and the table pairs each round's targets. Timings are not asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.startup_phases import table

REPO = Path(__file__).resolve().parents[1]
STEPS = (
    "import flux_tui.cli",
    "hold the collector (ui.heap)",
    "import core.config",
    "load_config()",
    "setup_logging (the error log)",
    "import flux_tui.ui.app",
    "build the app (ui.launch)",
    "total",
)


def test_it_times_every_step_of_this_checkout() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_phases", "--runs", "1"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("  ")[0] for line in done.stdout.splitlines()]
    for step in STEPS:
        assert rows.count(step) == 2, done.stdout  # the wall table and the CPU table


def test_the_difference_is_the_median_of_the_rounds() -> None:
    this, other = Path("this"), Path("other")
    found = {this: {"total": [10.0, 20.0, 30.0]}, other: {"total": [9.0, 30.0, 25.0]}}
    lines = table(found, {this: "this", other: "other"}, "wall ms").splitlines()
    assert lines[0].split() == ["wall", "ms", "this", "other", "-", "other"]
    assert lines[1].split() == ["total", "20.0", "25.0", "+1.0"]  # differences 1, -10, 5
