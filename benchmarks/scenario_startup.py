"""Startup: process start (the app's exec) to the first painted frame, and to "ready for input".

"Ready" is when a key typed the moment the first frame shows is echoed in the prompt: the app has
mounted, focused the prompt and processed input. One unmeasured launch first warms the page cache and
the bytecode cache, as any second start of the app would find them.
"""

from __future__ import annotations

from benchmarks.harness import BenchContext
from benchmarks.stats import Figure

FULL = {"runs": 7}
QUICK = {"runs": 2}


def run(context: BenchContext, *, runs: int) -> list[Figure]:
    first = Figure("startup.first_frame_s", "startup: process start -> first frame", "s", target=0.4)
    ready = Figure("startup.ready_s", "startup: process start -> ready for input", "s")
    for attempt in range(runs + 1):
        with context.app() as app:
            app.start(probe=True)
        if attempt == 0:
            continue
        assert app.ready_at is not None
        first.values.append(app.first_frame_at - app.started_at)
        ready.values.append(app.ready_at - app.started_at)
    return [first, ready]
