"""Profile the app during one benchmark exchange: ``python -m benchmarks.profile steady|firehose|long``.

Starts the streaming server and the app in a terminal exactly as the suite does, attaches ``py-spy``
(``pip install py-spy``) to the app's process while one answer streams, and writes a speedscope JSON
(open it at https://www.speedscope.app) plus a text summary of the hottest functions. This is how the
causes of missed targets were found; see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.harness import BenchContext, start_server, unique_marker
from benchmarks.scenario_long_session import Session, exchange
from benchmarks.terminal import default_terminal

SHAPES = {
    "steady": {"tokens": 3_000, "tps": 150.0},
    "firehose": {"tokens": 20_000, "tps": 0.0},
    "long": {"tokens": 500, "tps": 0.0, "warmup_exchanges": 60, "tool_every": 10},
}


def summarize(speedscope: Path, top: int = 25) -> str:
    """Self and total sample counts per frame, from py-spy's speedscope output."""
    data = json.loads(speedscope.read_text())
    frames = data["shared"]["frames"]
    own: Counter[int] = Counter()
    total: Counter[int] = Counter()
    samples = 0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            samples += weight
            if stack:
                own[stack[-1]] += weight
            for index in set(stack):
                total[index] += weight

    def name(index: int) -> str:
        frame = frames[index]
        file = str(frame.get("file", "")).split("site-packages/")[-1]
        return f"{frame['name']} ({file}:{frame.get('line', '?')})"

    lines = [f"{samples} samples", "", "self:"]
    lines += [f"  {100 * n / samples:5.1f}%  {name(i)}" for i, n in own.most_common(top)]
    lines += ["", "total:"]
    lines += [f"  {100 * n / samples:5.1f}%  {name(i)}" for i, n in total.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/profile"))
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    args = parser.parse_args(argv)
    beside = Path(sys.executable).with_name("py-spy")  # a venv's scripts are not always on PATH
    spy = shutil.which("py-spy") or (str(beside) if beside.exists() else None)
    if spy is None:
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    shape = SHAPES[args.shape]
    args.output.mkdir(parents=True, exist_ok=True)
    out = args.output / f"{args.shape}.speedscope.json"
    process, client = start_server()
    context = BenchContext(server=client, terminal=default_terminal())
    try:
        with context.app() as app:
            warmup = Session(app, "warm-up")  # the long session's exchanges, tool round trips included
            warmup.start()
            app.settle()
            for _ in range(int(shape.get("warmup_exchanges", 0))):
                exchange(context, warmup, int(shape["tokens"]), int(shape["tool_every"]), [])
            recorder = subprocess.Popen(
                [spy, "record", "-p", str(app.pid), "-r", str(args.rate), "-f", "speedscope",
                 "-o", str(out), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy attaches
            marker = unique_marker("pr")
            client.plan(int(shape["tokens"]), marker, tps=shape["tps"])
            profiled = app.ask("profile this answer", marker, timeout=600)
            app.settle()
            cpu = app.cpu() - profiled.cpu_at_enter
            recorder.send_signal(2)
            recorder.wait(30)
        print(f"exchange {profiled.seconds:.2f} s, app CPU {cpu:.2f} s")
        print(summarize(out))
        print(f"\nspeedscope profile: {out}")
    finally:
        context.cleanup()
        process.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
