"""One clock for everything that redraws while an answer streams.

Each redraw of a growing answer costs a layout and a repaint of the whole chat (it scrolls). Widgets
that throttle their redraws (answer chunks, the cost sidebar) wait until the next beat of this clock, a
multiple of ``BEAT`` seconds of the monotonic clock, rather than for their own interval: whatever is
due on a beat is drawn in the same frame. In a fast stream, chunks closing many times a second each
drew a frame of their own, and that was most of the time the app spent behind the stream.
"""

from __future__ import annotations

import time

# Seconds between two redraws of a streaming answer. A redraw is a layout and a repaint of the chat as
# it scrolls (about 9 ms of CPU on a 2-core machine), so this sets much of what a 150 tokens/s stream
# costs: its frames are about a third of the 7 % of a core the steady benchmark measures, and a beat of
# 0.2 s would take it past its 8 % target (benchmarks/README.md). The end of an answer is drawn at once.
BEAT = 0.4


def on_beat(delay: float) -> float:
    """``delay``, lengthened to end on the next beat."""
    due = time.monotonic() + delay
    return delay + (-due) % BEAT


def next_beat() -> float:
    """Seconds to the next beat at least half a beat away: a widget that redraws and asks again right
    away redraws on every beat, never twice in one."""
    return on_beat(BEAT / 2)
