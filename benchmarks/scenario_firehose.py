"""Firehose: a long answer sent as fast as the server can, one token per chunk.

Each run measures, back to back against the same server: the bare SDK receiving the stream (its own
process, ``sdk_client``: request sent -> last event), then the app (Enter -> the answer's final marker
on screen). The figure is their ratio, so a noisy machine slows both sides alike.
"""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.harness import REPO, BenchContext, unique_marker
from benchmarks.stats import Figure

FULL = {"runs": 3, "tokens": 20_000}
QUICK = {"runs": 2, "tokens": 300}


def sdk_seconds(context: BenchContext, tokens: int) -> float:
    marker = unique_marker("sdk")
    context.server.plan(tokens, marker)
    server = context.server
    base = server.anthropic_base_url if context.provider == "anthropic" else server.openai_base_url
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.sdk_client", context.provider, base, context.model],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    result = json.loads(out.stdout)
    if not result["text_tail"].endswith(marker):
        raise RuntimeError(f"the SDK baseline did not receive the whole stream: {result}")
    return float(result["seconds"])


def run(context: BenchContext, *, runs: int, tokens: int) -> list[Figure]:
    ratio = Figure("firehose.ratio", f"firehose {tokens:,} tokens: app / bare SDK", "x", target=1.5)
    app_time = Figure("firehose.app_s", "firehose: Enter -> last token on screen", "s")
    sdk_time = Figure("firehose.sdk_s", "firehose: bare SDK receives the stream", "s")
    for attempt in range(runs):
        sdk = sdk_seconds(context, tokens)
        with context.app() as app:
            app.start()
            app.settle()
            marker = unique_marker("fh")
            context.server.plan(tokens, marker)
            exchange = app.ask(f"firehose run {attempt}: write a long answer", marker, timeout=900)
        sdk_time.values.append(sdk)
        app_time.values.append(exchange.seconds)
        ratio.values.append(exchange.seconds / sdk)
    return [ratio, app_time, sdk_time]
