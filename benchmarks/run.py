"""The benchmark runner: ``python -m benchmarks [--quick] [--only NAME,...] [--runs N] ...``.

Starts the streaming server, runs the scenarios in order (each a module ``scenario_<name>``), prints the
results table and writes the JSON to ``benchmarks/results/<timestamp>.json`` (and ``latest.json``, or
``latest-quick.json`` in quick mode; the directory is gitignored).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.harness import BenchContext, flux_entry, machine_probe_ms, start_server
from benchmarks.scenario_long_session import MIN_EXCHANGES
from benchmarks.stats import Figure, table
from benchmarks.terminal import default_terminal

SCENARIOS = ("startup", "firehose", "steady", "long_session", "resume")
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="flux-tui benchmark suite")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to prove the suite works (CI)")
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"comma-separated subset of {SCENARIOS}")
    parser.add_argument("--runs", type=int, help="runs per scenario (default: each scenario's own)")
    parser.add_argument(
        "--exchanges", type=int, help="long_session: exchanges in the long app (default: 300, quick 4)"
    )
    parser.add_argument("--provider", choices=("anthropic", "openai"), default="anthropic")
    parser.add_argument("--terminal", choices=("tmux", "pty"), help="default: tmux when installed")
    parser.add_argument("--output", type=Path, help="JSON file to write (default: benchmarks/results/)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.scenarios = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    args.overrides = {name: {} for name in SCENARIOS}
    if args.runs is not None:
        for params in args.overrides.values():
            params["runs"] = args.runs
    if args.exchanges is not None:
        if args.exchanges < MIN_EXCHANGES:
            parser.error(f"--exchanges must be at least {MIN_EXCHANGES} (the paired exchanges)")
        args.overrides["long_session"]["exchanges"] = args.exchanges
    return args


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "textual": version("textual"),
    }


def run_scenario(
    name: str, context: BenchContext, quick: bool, overrides: dict[str, Any]
) -> tuple[list[Figure], dict[str, Any]]:
    module = importlib.import_module(f"benchmarks.scenario_{name}")
    params = {**(module.QUICK if quick else module.FULL), **overrides}
    probe_before = machine_probe_ms()
    started = time.monotonic()
    figures: list[Figure] = module.run(context, **params)
    info = {"params": params, "seconds": round(time.monotonic() - started, 1)}
    probes = [probe_before, machine_probe_ms()]
    probe = Figure(f"{name}.machine_probe_ms", f"{name}: machine probe, before and after", "ms", probes)
    probe.note = "harness.machine_probe_ms: the machine's speed while the scenario ran (lower is faster)"
    return [*figures, probe], {**info, "machine_probe_ms": probes}


def source_tree() -> dict[str, Any]:
    """The commit measured, and which files differed from it (read-only git queries)."""
    repo = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    status = git("status", "--porcelain").splitlines()
    changed = [line[3:] for line in status if line[3:].startswith("flux_tui/")]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_app_files": changed}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    terminal = args.terminal or default_terminal()
    server_process, server = start_server()
    context = BenchContext(server, provider=args.provider, terminal=terminal)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mode": "quick" if args.quick else "full",
        "terminal": terminal,
        "provider": args.provider,
        "entry": flux_entry()[1],
        "machine": machine(),
        "tree": source_tree(),
        "load_average_before": os.getloadavg(),
        "scenarios": {},
        "figures": {},
    }
    figures: list[Figure] = []
    failed = False
    print(f"flux-tui benchmarks: {report['mode']}, {terminal}, {args.provider}, app = {report['entry']}")
    try:
        for name in args.scenarios:
            print(f"  {name} ...", end=" ", flush=True)
            try:
                found, info = run_scenario(name, context, args.quick, args.overrides[name])
            except Exception as exc:
                failed = True
                report["scenarios"][name] = {"error": f"{type(exc).__name__}: {exc}"}
                print(f"FAILED: {type(exc).__name__}: {exc}", flush=True)
                traceback.print_exc()
                continue
            report["scenarios"][name] = info
            figures += found
            before, after = info["machine_probe_ms"]
            print(f"{info['seconds']} s (machine probe {before} -> {after} ms)", flush=True)
    finally:
        server_process.kill()
        server_process.wait()
        context.cleanup()
    if args.quick:  # tiny sizes say nothing about the targets; the figures only prove the suite works
        for figure in figures:
            figure.target = None
    report["load_average_after"] = os.getloadavg()  # other work on the machine skews the figures
    report["figures"] = {figure.key: figure.to_dict() for figure in figures}
    print()
    print(table(figures))
    save(report, args)
    return exit_status(figures, failed=failed, check=args.check)


def exit_status(figures: list[Figure], *, failed: bool, check: bool) -> int:
    """2 when a scenario failed; with ``check``, 1 when a figure's median misses its target; else 0."""
    if failed:
        return 2
    missed = [figure.key for figure in figures if figure.meets_target is False]
    if missed:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if (check and missed) else 0


def save(report: dict[str, Any], args: argparse.Namespace) -> None:
    text = json.dumps(report, indent=2)
    if args.output is not None:
        paths = [args.output]
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        latest = "latest-quick.json" if args.quick else "latest.json"
        paths = [RESULTS_DIR / f"{stamp}-{report['mode']}.json", RESULTS_DIR / latest]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    print(f"\nresults: {paths[0]}", file=sys.stderr)
