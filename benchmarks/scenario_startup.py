"""Startup: process start (the exec) to the first painted frame, and to "ready for input", for flux-tui
and for its floor, a minimal Textual app (``floor_app``: one ``Static``, one ``Input``) launched the
same way in the same kind of terminal.

"Ready" is when a key typed the moment the first frame shows is echoed in the prompt: the app has
mounted, focused the prompt and processed input. The two apps take turns (the order swapped every
round, so neither always follows the other) and each round's ratio is flux-tui's time over the floor's
in that round: this machine's speed drifts by up to a half over tens of seconds, and a pair of launches
meets the same machine. One unmeasured launch of each first warms the page cache and the bytecode cache,
as any second start would find them.
"""

from __future__ import annotations

from benchmarks.harness import BenchContext, RunningApp
from benchmarks.stats import Figure

FULL = {"runs": 7}
QUICK = {"runs": 2}


def _launch(app: RunningApp) -> tuple[float, float]:
    with app:
        app.start(probe=True)
    assert app.ready_at is not None
    return app.first_frame_at - app.started_at, app.ready_at - app.started_at


def run(context: BenchContext, *, runs: int) -> list[Figure]:
    label = "startup: ready for input, flux-tui / minimal Textual app"
    ratio = Figure("startup.ratio", label, "x")
    ratio.note = "each round's ratio: the two apps launched in turn"
    first = Figure("startup.first_frame_s", "startup: process start -> first frame", "s")
    ready = Figure("startup.ready_s", "startup: process start -> ready for input", "s")
    floor = "startup floor (minimal Textual app)"
    floor_first = Figure("startup.floor_first_frame_s", f"{floor}: first frame", "s")
    floor_ready = Figure("startup.floor_ready_s", f"{floor}: ready for input", "s")
    for attempt in range(runs + 1):
        pair = [("app", context.app), ("floor", context.floor_app)]
        times = {name: _launch(make()) for name, make in (pair if attempt % 2 else pair[::-1])}
        if attempt == 0:
            continue
        first.values.append(times["app"][0])
        ready.values.append(times["app"][1])
        floor_first.values.append(times["floor"][0])
        floor_ready.values.append(times["floor"][1])
        ratio.values.append(times["app"][1] / times["floor"][1])
    return [ratio, first, ready, floor_first, floor_ready]
