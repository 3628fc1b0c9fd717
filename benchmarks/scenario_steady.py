"""Steady stream: an answer at a realistic pace (150 tokens/s by default).

Figures: the app's CPU time (all threads, from ``/proc``) per second of wall time from Enter until the
last token is on screen, as a percentage of one core; the same including the answer's final render
(Enter until the app is idle again); and the lag from the server's last byte to the last token on
screen; and the app's peak memory (``VmHWM``) after the answer.
"""

from __future__ import annotations

from benchmarks.harness import BenchContext, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 3, "tokens": 3_000, "tps": 150.0}
QUICK = {"runs": 2, "tokens": 60, "tps": 150.0}


def run(context: BenchContext, *, runs: int, tokens: int, tps: float) -> list[Figure]:
    label = f"steady {tokens:,} tokens at {tps:g}/s"
    cpu = Figure("steady.cpu_pct", f"{label}: CPU while streaming", "% core")
    cpu_turn = Figure("steady.cpu_turn_pct", f"{label}: CPU incl. final render", "% core")
    lag = Figure("steady.lag_s", f"{label}: server last byte -> on screen", "s")
    peak = Figure("steady.peak_mb", f"{label}: peak memory (VmHWM)", "MB")
    for attempt in range(runs):
        with context.app() as app:
            app.start()
            app.settle()
            marker = unique_marker("st")
            context.server.plan(tokens, marker, tps=tps)
            exchange = app.ask(f"steady run {attempt}: explain at length", marker, timeout=tokens / tps + 120)
            app.settle()
            cpu_after_turn = app.cpu()
            peak.values.append(app.memory()["VmHWM"])
        record = context.server.record(marker)
        cpu.values.append(100 * (exchange.cpu_on_screen - exchange.cpu_at_enter) / exchange.seconds)
        cpu_turn.values.append(100 * (cpu_after_turn - exchange.cpu_at_enter) / exchange.seconds)
        lag.values.append(exchange.on_screen - record["last_byte"])
    return [cpu, cpu_turn, lag, peak]
