"""Long session: many exchanges in one app process, each answer sent as fast as possible.

An exchange is Enter -> the answer's last token on screen; the app is left to settle between
exchanges. "last / first" compares the median of the last five exchanges with the median of the first
five (single exchanges are too noisy to compare one to one; the raw times are in the JSON). Peak memory
is the process's resident-set high-water mark (``VmHWM``) after the last exchange.
"""

from __future__ import annotations

import statistics

from benchmarks.harness import BenchContext, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 3, "exchanges": 100, "tokens": 500}
QUICK = {"runs": 2, "exchanges": 4, "tokens": 40}


def run(context: BenchContext, *, runs: int, exchanges: int, tokens: int) -> list[Figure]:
    label = f"long session {exchanges} x {tokens} tokens"
    ratio = Figure("long.last_over_first", f"{label}: last / first exchange", "x", target=1.1)
    first = Figure("long.first_s", f"{label}: first exchanges", "s")
    last = Figure("long.last_s", f"{label}: last exchanges", "s")
    peak = Figure("long.peak_mb", f"{label}: peak memory (VmHWM)", "MB", target=200.0)
    window = max(1, min(5, exchanges // 2))
    for attempt in range(runs):
        times: list[float] = []
        with context.app() as app:
            app.start()
            app.settle()
            for n in range(exchanges):
                marker = unique_marker("ls")
                context.server.plan(tokens, marker)
                exchange = app.ask(f"session {attempt} question {n}: go on", marker)
                times.append(exchange.seconds)
                app.settle()
            peak.values.append(app.memory()["VmHWM"])
        head = statistics.median(times[:window])
        tail = statistics.median(times[-window:])
        first.values.append(head)
        last.values.append(tail)
        ratio.values.append(tail / head)
        ratio.note = f"medians of the first and last {window} exchanges"
        ratio.samples.setdefault("exchange_seconds", []).append([round(t, 4) for t in times])
    return [ratio, first, last, peak]
