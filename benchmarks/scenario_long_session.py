"""Long session: many exchanges in one app process, each answer sent as fast as possible.

An exchange is Enter -> the answer's last token on screen; the app is left to settle between
exchanges. "last / first" compares the median of the session's last exchanges with the median of the
first ten exchanges of fresh sessions.

The first ten are taken from fresh apps started beside the long one when it reaches its last
exchanges, all of them taking turns: this machine's speed drifts by up to a half over tens of seconds
(``drift`` below measures it), and the start and the end of a 100-exchange session are minutes apart,
so a ratio of the two was as much the machine's as the app's. Paired, both ends meet the same machine.

Two fresh apps, ten exchanges each, against the long session's last twenty: single exchanges vary by
a fifth from one to the next (the frame they land on, the machine), and with ten on each side two
identical fresh apps taking turns came out up to 15 % apart (standard deviation 0.056 over 8 runs):
as much as the target's margin. Twenty on each side halve the variance, and the two fresh apps' own
ratio (``fresh_a_over_b``: the same work in two processes) is reported beside the figure, as the
measurement's noise in that run. The long session's own first exchanges are still measured and
reported ("sequential"). Peak memory is the long session's resident-set high-water mark (``VmHWM``)
after its last exchange.
"""

from __future__ import annotations

import contextlib
import statistics

from benchmarks.harness import BenchContext, RunningApp, cpu_probe, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 7, "exchanges": 100, "tokens": 500}
QUICK = {"runs": 2, "exchanges": 4, "tokens": 40}
FRESH_APPS = 2


def _exchange(context: BenchContext, app: RunningApp, prompt: str, tokens: int, probes: list[float]) -> float:
    probes.append(cpu_probe())
    marker = unique_marker("ls")
    context.server.plan(tokens, marker)
    seconds = app.ask(prompt, marker).seconds
    app.settle()
    return seconds


def run(context: BenchContext, *, runs: int, exchanges: int, tokens: int) -> list[Figure]:
    label = f"long session {exchanges} x {tokens} tokens"
    window = max(1, min(10, exchanges // (2 * FRESH_APPS)))  # each fresh app's first exchanges
    late = FRESH_APPS * window  # the long session's last exchanges, taken in turn with the fresh apps'
    ratio = Figure("long.last_over_first", f"{label}: last / first exchange", "x", target=1.05)
    ratio.note = (
        f"median of the last {late} exchanges / of the first {window} of {FRESH_APPS} fresh sessions, paired"
    )
    control = Figure("long.fresh_a_over_b", f"{label}: fresh / fresh (noise)", "x")
    control.note = f"the first and last fresh sessions' medians of {window}: the same work, two processes"
    sequential = Figure("long.last_over_first_sequential", f"{label}: last / first, same session", "x")
    sequential.note = "the long session's own first exchanges, minutes earlier (machine drift included)"
    first = Figure("long.first_s", f"{label}: first exchanges (fresh sessions)", "s")
    last = Figure("long.last_s", f"{label}: last exchanges", "s")
    peak = Figure("long.peak_mb", f"{label}: peak memory (VmHWM)", "MB", target=160.0)
    drift = Figure("long.machine_drift", f"{label}: machine speed drift (CPU probe)", "x")
    drift.note = "slowest / fastest median of 10 consecutive probes of a fixed CPU task"
    for attempt in range(runs):
        times: list[float] = []
        fresh_times: list[list[float]] = [[] for _ in range(FRESH_APPS)]
        probes: list[float] = []
        with context.app() as app:
            app.start()
            app.settle()
            for n in range(exchanges - late):
                prompt = f"session {attempt} question {n}: go on"
                times.append(_exchange(context, app, prompt, tokens, probes))
            with contextlib.ExitStack() as apps:
                fresh = [apps.enter_context(context.app()) for _ in range(FRESH_APPS)]
                for other in fresh:
                    other.start()
                for other in fresh:
                    other.settle()
                for k in range(window):
                    # Each fresh exchange sits between two of the long session's; the order reverses
                    # every round, so no app is always the one that follows the same other.
                    rounds: list[tuple[RunningApp, list[float], str]] = []
                    for index, other in enumerate(fresh):
                        rounds.append((other, fresh_times[index], f"fresh {attempt}.{index} question {k}"))
                        number = exchanges - late + 2 * k + index
                        rounds.append((app, times, f"session {attempt} question {number}"))
                    for target, into, prompt in rounds if k % 2 == 0 else rounds[::-1]:
                        into.append(_exchange(context, target, f"{prompt}: go on", tokens, probes))
            peak.values.append(app.memory()["VmHWM"])
        tail = statistics.median(times[-late:])
        head = statistics.median([t for one in fresh_times for t in one])
        first.values.append(head)
        last.values.append(tail)
        ratio.values.append(tail / head)
        control.values.append(statistics.median(fresh_times[0]) / statistics.median(fresh_times[-1]))
        sequential.values.append(tail / statistics.median(times[:late]))
        step = min(10, len(probes))
        medians = [statistics.median(probes[i : i + step]) for i in range(0, len(probes) - step + 1, step)]
        drift.values.append(max(medians) / min(medians))
        ratio.samples.setdefault("exchange_seconds", []).append([round(t, 4) for t in times])
        fresh_rounded = [[round(t, 4) for t in one] for one in fresh_times]
        ratio.samples.setdefault("fresh_exchange_seconds", []).append(fresh_rounded)
        drift.samples.setdefault("probe_seconds", []).append([round(p, 5) for p in probes])
    return [ratio, control, sequential, first, last, peak, drift]
