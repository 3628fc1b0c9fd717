"""The benchmark runner's targets and options (``benchmarks/targets.py``, ``benchmarks/run.py``): the
README's table of figures states the bounds the code checks, every figure with a bound picks it up, and
``--check`` turns a missed bound into exit status 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import run
from benchmarks.stats import Figure
from benchmarks.targets import TARGETS

README = Path(__file__).resolve().parents[1] / "benchmarks" / "README.md"
SECOND_BAR = {
    "startup.ratio": 1.15,
    "firehose.ratio": 1.5,
    "steady.cpu_pct": 8.0,
    "steady.lag_s": 0.1,
    "steady.peak_mb": 110.0,
    "long.last_over_first": 1.05,
    "long.peak_mb": 160.0,
    "resume.interactive_s": 1.0,
}


def readme_targets() -> dict[str, float]:
    """The figures table: each row's ``<= N`` bounds, in order, against its backticked JSON keys."""
    text = README.read_text()
    table = text[text.index("## The figures") :]
    table = table[: table.index("\n\n", table.index("| scenario |"))]
    found: dict[str, float] = {}
    for row in table.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if len(cells) < 4:
            continue
        bounds = [float(n) for n in re.findall(r"<=\s*([\d.]+)", cells[2])]
        keys = re.findall(r"`([a-z_]+\.[a-z_]+)`", cells[3])
        assert len(bounds) == len(keys), row
        found.update(zip(keys, bounds, strict=True))
    return found


def test_the_readme_states_the_bounds_the_code_checks() -> None:
    assert readme_targets() == TARGETS == SECOND_BAR


def test_a_figure_takes_its_bound_from_its_key() -> None:
    assert Figure("long.peak_mb", "peak", "MB").target == 160.0
    assert Figure("long.first_s", "first", "s").target is None  # shown, not bounded


def test_check_exits_1_when_a_median_misses_its_bound() -> None:
    missed = Figure("long.last_over_first", "last / first", "x", [1.0, 1.2, 1.3])
    met = Figure("steady.peak_mb", "peak", "MB", [100.0, 120.0, 105.0])
    shown = Figure("long.first_s", "first", "s", [9.0])
    assert run.exit_status([met, shown], failed=False, check=True) == 0
    assert run.exit_status([met, missed, shown], failed=False, check=True) == 1
    assert run.exit_status([met, missed], failed=False, check=False) == 0
    assert run.exit_status([met], failed=True, check=True) == 2


def test_exchanges_sets_the_long_sessions_length_only() -> None:
    args = run.parse_args(["--only", "long_session", "--exchanges", "12", "--runs", "1"])
    assert args.overrides["long_session"] == {"exchanges": 12, "runs": 1}
    assert args.overrides["steady"] == {"runs": 1}
    assert run.parse_args([]).overrides["long_session"] == {}


def test_exchanges_below_the_paired_ones_are_refused() -> None:
    with pytest.raises(SystemExit):
        run.parse_args(["--exchanges", "3"])
