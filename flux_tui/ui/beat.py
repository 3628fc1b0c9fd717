"""One clock for everything that redraws while an answer streams.

Each redraw of a growing answer costs a layout and a repaint of the whole chat (it scrolls). Widgets
that throttle their redraws (answer chunks, the cost sidebar) wait until the next beat of this clock, a
multiple of ``BEAT`` seconds of the monotonic clock, rather than for their own interval: whatever is
due on a beat is drawn in the same frame. In a fast stream, chunks closing many times a second each
drew a frame of their own, and that was most of the time the app spent behind the stream.
"""

from __future__ import annotations

import time

# Seconds between two redraws of a streaming answer: about three a second keep a 150 tokens/s stream
# readable (two lines at a time) for a fifth of a core; the end of an answer is drawn at once.
BEAT = 0.4


def on_beat(delay: float) -> float:
    """``delay``, lengthened to end on the next beat (redraws every beat: call with half a beat)."""
    due = time.monotonic() + delay
    return delay + (-due) % BEAT
