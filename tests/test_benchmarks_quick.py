"""The benchmark suite in quick mode (tiny sizes): every scenario runs against the real app in a terminal
and reports every figure with sane values. Timings are not asserted (speed lives in the full run)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

SCENARIOS = ("startup", "firehose", "steady", "long_session", "resume")
FIGURES = {
    "startup.ratio",
    "startup.first_frame_s",
    "startup.ready_s",
    "startup.floor_first_frame_s",
    "startup.floor_ready_s",
    "firehose.ratio",
    "firehose.app_s",
    "firehose.floor_s",
    "firehose.sdk_ratio",
    "firehose.sdk_s",
    "steady.cpu_pct",
    "steady.cpu_turn_pct",
    "steady.lag_s",
    "steady.peak_mb",
    "long.last_over_first",
    "long.last_over_first_sequential",
    "long.fresh_a_over_b",
    "long.machine_drift",
    "long.first_s",
    "long.last_s",
    "long.tool_exchange_s",
    "long.request_growth_ms",
    "long.stream_growth_ms",
    "long.draw_growth_ms",
    "long.peak_mb",
    "resume.interactive_s",
    "resume.last_message_s",
    "resume.first_frame_s",
} | {f"{name}.machine_probe_ms" for name in SCENARIOS}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, drives a pty")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLUX_", "ANTHROPIC_", "OPENAI_"))}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text()), done.stdout


def test_every_figure_is_reported_with_its_runs(quick_run: tuple[dict[str, Any], str]) -> None:
    report, _ = quick_run
    assert report["mode"] == "quick"
    assert set(report["scenarios"]) == set(SCENARIOS)
    assert all("error" not in info for info in report["scenarios"].values())
    for info in report["scenarios"].values():  # the machine's speed before and after each scenario
        assert len(info["machine_probe_ms"]) == 2 and all(0 < ms < 1000 for ms in info["machine_probe_ms"])
    figures = report["figures"]
    assert set(figures) == FIGURES
    for key, figure in figures.items():
        values = figure["values"]
        assert figure["runs"] == len(values) >= 2, key
        # A growth (the long session's phase against the fresh sessions') may come out below zero.
        signed = key.endswith("_growth_ms")
        assert all(math.isfinite(v) and (signed or v > 0) for v in values), (key, values)
        assert figure["min"] <= figure["median"] <= figure["max"], key
        assert figure["min"] == min(values) and figure["max"] == max(values), key


def test_figures_are_consistent(quick_run: tuple[dict[str, Any], str]) -> None:
    figures = quick_run[0]["figures"]

    def med(key: str) -> float:
        return float(figures[key]["median"])

    # Ready for input (the probe key echoed) comes after the first frame of the same run.
    ready, frame = figures["startup.ready_s"]["values"], figures["startup.first_frame_s"]["values"]
    assert all(r >= f for r, f in zip(ready, frame, strict=True))
    def is_ratio_per_run(ratio: str, numerator: str, denominator: str) -> bool:
        runs = zip(*(figures[key]["values"] for key in (ratio, numerator, denominator)), strict=True)
        return all(r == pytest.approx(n / d) for r, n, d in runs)

    # Each run's ratio is that run's app time over its own floor's, and over its own SDK baseline.
    assert is_ratio_per_run("firehose.ratio", "firehose.app_s", "firehose.floor_s")
    assert is_ratio_per_run("firehose.sdk_ratio", "firehose.app_s", "firehose.sdk_s")
    # CPU is a share of one core (at most every core of the machine); the turn includes the stream.
    cores = os.cpu_count() or 1
    assert 0 < med("steady.cpu_pct") <= 100 * cores
    stream_cpu, turn_cpu = figures["steady.cpu_pct"]["values"], figures["steady.cpu_turn_pct"]["values"]
    assert all(t >= c * 0.99 for c, t in zip(stream_cpu, turn_cpu, strict=True))
    assert med("steady.lag_s") < 30
    assert 20 < med("long.peak_mb") < 4000
    # The paired ratio is each run's last exchanges over the fresh session's first, run by run.
    assert is_ratio_per_run("long.last_over_first", "long.last_s", "long.first_s")
    assert all(drift >= 1 for drift in figures["long.machine_drift"]["values"])
    samples = figures["long.last_over_first"]["samples"]
    # Quick: 4 exchanges, the last 2 taken in turn with the first exchange of each of two fresh apps.
    assert [[len(app) for app in run] for run in samples["fresh_exchange_seconds"]] == [[1, 1], [1, 1]]
    assert all(len(run) == 4 for run in samples["exchange_seconds"])
    # The long app's third exchange (a tool call every 3rd) read a file of its workspace (the scenario
    # checks the server received its text) before its answer; the fresh apps' single ones did not.
    assert samples["tool_exchanges_long_then_fresh"] == [[[2], [], []], [[2], [], []]]
    tool_times = figures["long.tool_exchange_s"]["values"]
    assert tool_times == pytest.approx([run[2] for run in samples["exchange_seconds"]], abs=1e-4)
    # Interactive is, run by run, the later of "first frame" and "last message on screen" (the two can
    # reach the terminal in either order: one frame may carry both).
    runs = zip(
        figures["resume.first_frame_s"]["values"],
        figures["resume.last_message_s"]["values"],
        figures["resume.interactive_s"]["values"],
        strict=True,
    )
    assert all(inter >= max(frame, last) - 1e-9 for frame, last, inter in runs)


def test_table_shows_every_figure(quick_run: tuple[dict[str, Any], str]) -> None:
    report, stdout = quick_run
    for figure in report["figures"].values():
        assert figure["label"] in stdout
    assert "| figure" in stdout and "median" in stdout


def test_floors_are_measured_beside_the_app(quick_run: tuple[dict[str, Any], str]) -> None:
    figures = quick_run[0]["figures"]
    # Startup: each round's flux-tui launch over the minimal Textual app's, launched in turn.
    floor_ready = figures["startup.floor_ready_s"]["values"]
    floor_frame = figures["startup.floor_first_frame_s"]["values"]
    assert len(floor_ready) == len(figures["startup.ready_s"]["values"])
    assert all(r >= f for r, f in zip(floor_ready, floor_frame, strict=True))
    ratios, ready = figures["startup.ratio"]["values"], figures["startup.ready_s"]["values"]
    assert all(r == pytest.approx(a / f) for r, a, f in zip(ratios, ready, floor_ready, strict=True))
    # Firehose: the floor is measured in every run beside the app (the ratios are checked above).
    assert len(figures["firehose.floor_s"]["values"]) == len(figures["firehose.app_s"]["values"])
    # The machine probe is reported beside each scenario's figures: before and after it.
    for name, info in quick_run[0]["scenarios"].items():
        assert figures[f"{name}.machine_probe_ms"]["values"] == info["machine_probe_ms"]


def test_the_table_names_the_floors_and_the_probe(quick_run: tuple[dict[str, Any], str]) -> None:
    stdout = quick_run[1]
    assert "minimal Textual app" in stdout and "raw httpx floor" in stdout
    assert stdout.count("machine probe, before and after") == len(SCENARIOS)
