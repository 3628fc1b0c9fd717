"""Where start-up time goes before the first frame: ``python -m benchmarks.startup_phases``.

Each run is a fresh interpreter that walks the command line's path to the app, timing each step:
importing the CLI module, holding the garbage collector (``ui.heap``, as the CLI does for the app),
importing ``core.config``, ``load_config()``, setting up the error log, importing ``flux_tui.ui.app``,
and building the app as ``ui.launch`` does (``build_app``: session store and ``FluxApp``). It runs in
an empty workspace with fresh config and data dirs and fake keys, so no user setting changes the
figures.

The code measured is the one on ``PYTHONPATH`` (this repository when it is unset); ``--against DIR``
adds another checkout (an older commit, say). Runs of the targets alternate, since this machine's speed
drifts over tens of seconds, and one unmeasured run of each first writes its bytecode and warms the page
cache. Two tables show each step's median over the runs in milliseconds: wall time, and the process's
CPU time, which other processes on a shared machine disturb less (waiting for a core is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_ENV_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_", "TEXTUAL")

# Run in the child: one line of JSON, {"wall"|"cpu": {step: seconds}}. Written against what every
# version of the package has had (``load_config``, ``ui.heap.hold_collection``, ``logging_setup``,
# ``ui.launch.build_app``).
_CHILD = """
import json, time
clocks = {"wall": time.perf_counter, "cpu": time.process_time}
steps = {name: {} for name in clocks}
def now():
    return {name: clock() for name, clock in clocks.items()}
def step(name, start):
    end = now()
    for clock in clocks:
        steps[clock][name] = end[clock] - start[clock]
    return end
start = begin = now()
import flux_tui.cli
start = step("import flux_tui.cli", start)
from flux_tui.ui.heap import hold_collection
hold_collection()
start = step("hold the collector (ui.heap)", start)
from flux_tui.core.config import load_config
start = step("import core.config", start)
config, problems = load_config()
start = step("load_config()", start)
from flux_tui.core.logging_setup import config_secrets, setup_logging
setup_logging(config, config_secrets(config))
start = step("setup_logging (the error log)", start)
import flux_tui.ui.app
start = step("import flux_tui.ui.app", start)
from flux_tui.ui.launch import build_app
app = build_app(config, problems)
step("build the app (ui.launch)", start)
step("total", begin)
actions = getattr(app, "session_actions", None)  # absent in an older checkout: closed on exit there
if actions is not None:
    actions.close()
print(json.dumps(steps))
"""


def _env(code: Path, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_ENV_PREFIXES)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its bytecode cached
    for name in ("config", "data"):
        (scratch / name).mkdir(exist_ok=True)
    env.update(
        {
            "PYTHONPATH": str(code),
            "FLUX_CONFIG_DIR": str(scratch / "config"),
            "FLUX_DATA_DIR": str(scratch / "data"),
            "FLUX_PROVIDER": "anthropic",
            "ANTHROPIC_API_KEY": "phases-anthropic-key",
            "OPENAI_API_KEY": "phases-openai-key",
        }
    )
    return env


def measure_once(code: Path) -> dict[str, dict[str, float]]:
    """One fresh process's steps (``{"wall"|"cpu": {step: seconds}}``) for the package in ``code``."""
    with tempfile.TemporaryDirectory(prefix="flux-phases-") as tmp:
        scratch = Path(tmp)
        (scratch / "work").mkdir()
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            cwd=scratch / "work",
            env=_env(code, scratch),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{code}: the measuring process failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


Runs = dict[str, dict[Path, dict[str, list[float]]]]  # clock -> target -> step -> milliseconds per run


def measure(targets: list[Path], runs: int) -> Runs:
    """Each target's steps over ``runs`` runs, the targets taking turns."""
    found: Runs = {clock: {target: {} for target in targets} for clock in ("wall", "cpu")}
    for target in targets:
        measure_once(target)  # bytecode written, files in the page cache
    for attempt in range(runs):
        for target in targets if attempt % 2 == 0 else targets[::-1]:
            for clock, steps in measure_once(target).items():
                for name, seconds in steps.items():
                    found[clock][target].setdefault(name, []).append(seconds * 1000)
    return found


def table(found: dict[Path, dict[str, list[float]]], labels: dict[Path, str], title: str) -> str:
    """Each step's median per target; with two or more, the median of the rounds' differences from the
    first target (each round measures every target within a second or two of the others)."""
    targets = list(found)
    steps = list(found[targets[0]])
    width = max(len(name) for name in [title, *steps]) + 2
    head = "".join(f"{labels[t]:>14}" for t in targets)
    head += "".join(f"{'- ' + labels[t]:>16}" for t in targets[1:])
    lines = [f"{title:<{width}}{head}"]
    for name in steps:
        first = found[targets[0]][name]
        row = f"{name:<{width}}" + "".join(f"{statistics.median(found[t][name]):>14.1f}" for t in targets)
        for other in targets[1:]:
            paired = [a - b for a, b in zip(first, found[other][name], strict=True)]
            row += f"{statistics.median(paired):>+16.1f}"
        lines.append(row)
    return "\n".join(lines)


def _code_on_path() -> Path:
    first = os.environ.get("PYTHONPATH", "").split(os.pathsep)[0]
    return Path(first).resolve() if first else REPO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup_phases", description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="measured runs per target (default 9)")
    parser.add_argument(
        "--against",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="another checkout to measure in turn with this one (repeatable)",
    )
    args = parser.parse_args(argv)
    targets = [_code_on_path(), *(path.resolve() for path in args.against)]
    labels = {target: target.name[-14:] for target in targets}
    if len(set(labels.values())) < len(labels):
        labels = {target: f"#{number}" for number, target in enumerate(targets, start=1)}
    found = measure(targets, args.runs)
    print(table(found["wall"], labels, "wall ms (median)"))
    print()
    print(table(found["cpu"], labels, "CPU ms (median)"))
    note = f"; '- X': {labels[targets[0]]} minus X, the median of the rounds" if len(targets) > 1 else ""
    print(f"({args.runs} runs each{note})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
