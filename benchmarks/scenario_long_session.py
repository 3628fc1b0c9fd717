"""Long session: many exchanges in one app process, each answer sent as fast as possible.

An exchange is Enter -> the answer's last token on screen; the app is left to settle between
exchanges. "last / first" compares the median of the session's last ten exchanges with the median of
the first ten exchanges of a session (single exchanges vary by a fifth from one to the next: the frame
they land on, the machine).

The first ten are taken from a fresh app started beside the long one when the long one reaches its
last ten, one exchange of each in turn: this machine's speed drifts by up to a half over tens of
seconds (``drift`` below measures it), and the start and the end of a 100-exchange session are minutes
apart, so a ratio of the two was as much the machine's as the app's. Paired, both ends meet the same
machine. The long session's own first ten are still measured and reported ("sequential"). Peak memory
is the long session's resident-set high-water mark (``VmHWM``) after its last exchange.
"""

from __future__ import annotations

import statistics

from benchmarks.harness import BenchContext, RunningApp, cpu_probe, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 5, "exchanges": 100, "tokens": 500}
QUICK = {"runs": 2, "exchanges": 4, "tokens": 40}


def _exchange(context: BenchContext, app: RunningApp, prompt: str, tokens: int, probes: list[float]) -> float:
    probes.append(cpu_probe())
    marker = unique_marker("ls")
    context.server.plan(tokens, marker)
    seconds = app.ask(prompt, marker).seconds
    app.settle()
    return seconds


def run(context: BenchContext, *, runs: int, exchanges: int, tokens: int) -> list[Figure]:
    label = f"long session {exchanges} x {tokens} tokens"
    window = max(1, min(10, exchanges // 2))
    ratio = Figure("long.last_over_first", f"{label}: last / first exchange", "x", target=1.1)
    ratio.note = f"median of the last {window} exchanges / of the first {window} of a fresh session, paired"
    sequential = Figure("long.last_over_first_sequential", f"{label}: last / first, same session", "x")
    sequential.note = "the long session's own first exchanges, minutes earlier (machine drift included)"
    first = Figure("long.first_s", f"{label}: first exchanges (fresh session)", "s")
    last = Figure("long.last_s", f"{label}: last exchanges", "s")
    peak = Figure("long.peak_mb", f"{label}: peak memory (VmHWM)", "MB", target=200.0)
    drift = Figure("long.machine_drift", f"{label}: machine speed drift (CPU probe)", "x")
    drift.note = "slowest / fastest median of 10 consecutive probes of a fixed CPU task"
    for attempt in range(runs):
        times: list[float] = []
        fresh_times: list[float] = []
        probes: list[float] = []
        with context.app() as app:
            app.start()
            app.settle()
            for n in range(exchanges - window):
                prompt = f"session {attempt} question {n}: go on"
                times.append(_exchange(context, app, prompt, tokens, probes))
            with context.app() as fresh:
                fresh.start()
                fresh.settle()
                for k in range(window):
                    # Which of the two goes first alternates, so neither is always the warmer one.
                    pair = [(fresh, fresh_times, f"fresh {attempt} question {k}: go on")]
                    pair.append((app, times, f"session {attempt} question {exchanges - window + k}: go on"))
                    for target, into, prompt in pair if k % 2 == 0 else pair[::-1]:
                        into.append(_exchange(context, target, prompt, tokens, probes))
            peak.values.append(app.memory()["VmHWM"])
        tail = statistics.median(times[-window:])
        head = statistics.median(fresh_times)
        first.values.append(head)
        last.values.append(tail)
        ratio.values.append(tail / head)
        sequential.values.append(tail / statistics.median(times[:window]))
        step = min(10, len(probes))
        medians = [statistics.median(probes[i : i + step]) for i in range(0, len(probes) - step + 1, step)]
        drift.values.append(max(medians) / min(medians))
        ratio.samples.setdefault("exchange_seconds", []).append([round(t, 4) for t in times])
        ratio.samples.setdefault("fresh_exchange_seconds", []).append([round(t, 4) for t in fresh_times])
        drift.samples.setdefault("probe_seconds", []).append([round(p, 5) for p in probes])
    return [ratio, sequential, first, last, peak, drift]
