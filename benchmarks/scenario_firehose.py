"""Firehose: a long answer sent as fast as the server can, one token per chunk.

Each run measures, in turn against the same server: the floor (``http_floor``, a raw HTTP client in its
own process reading the same server-sent events and ``json.loads``-ing each: request sent -> last
event), the bare SDK receiving the stream (``sdk_client``, shown beside it), then the app (Enter -> the
answer's final marker on screen). The order of the three rotates every run. The figure is the app's time
over the floor's in the same run, so a noisy machine slows both sides alike.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

from benchmarks.harness import REPO, BenchContext, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 3, "tokens": 20_000}
QUICK = {"runs": 2, "tokens": 300}


def client_seconds(context: BenchContext, tokens: int, module: str) -> float:
    """``python -m benchmarks.<module> KIND BASE_URL MODEL`` receiving a planned stream of ``tokens``."""
    marker = unique_marker("cl")
    context.server.plan(tokens, marker)
    server = context.server
    base = server.anthropic_base_url if context.provider == "anthropic" else server.openai_base_url
    out = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", context.provider, base, context.model],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    result = json.loads(out.stdout)
    if not result["text_tail"].endswith(marker):
        raise RuntimeError(f"{module} did not receive the whole stream: {result}")
    return float(result["seconds"])


def app_seconds(context: BenchContext, tokens: int, attempt: int) -> float:
    with context.app() as app:
        app.start()
        app.settle()
        marker = unique_marker("fh")
        context.server.plan(tokens, marker)
        exchange = app.ask(f"firehose run {attempt}: write a long answer", marker, timeout=900)
    return exchange.seconds


def run(context: BenchContext, *, runs: int, tokens: int) -> list[Figure]:
    ratio = Figure("firehose.ratio", f"firehose {tokens:,} tokens: app / raw httpx floor", "x")
    ratio.note = "each run's app time over its floor's, measured in turn"
    sdk_ratio = Figure("firehose.sdk_ratio", f"firehose {tokens:,} tokens: app / bare SDK", "x")
    app_time = Figure("firehose.app_s", "firehose: Enter -> last token on screen", "s")
    floor_time = Figure("firehose.floor_s", "firehose floor: raw httpx + json.loads per SSE line", "s")
    sdk_time = Figure("firehose.sdk_s", "firehose: bare SDK receives the stream", "s")
    for attempt in range(runs):
        steps: list[tuple[Figure, Callable[[], float]]] = [
            (floor_time, lambda: client_seconds(context, tokens, "http_floor")),
            (sdk_time, lambda: client_seconds(context, tokens, "sdk_client")),
            (app_time, lambda: app_seconds(context, tokens, attempt)),  # noqa: B023 (called in this loop)
        ]
        shift = attempt % len(steps)
        for figure, measure in steps[shift:] + steps[:shift]:
            figure.values.append(measure())
        ratio.values.append(app_time.values[-1] / floor_time.values[-1])
        sdk_ratio.values.append(app_time.values[-1] / sdk_time.values[-1])
    return [ratio, app_time, floor_time, sdk_ratio, sdk_time]
