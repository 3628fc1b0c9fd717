"""Provider events in batches: everything decoded while the app was busy, delivered at once.

A fast stream arrives in network reads of hundreds of events, and a whole read is decoded without
giving the event loop a turn. Handing each event on alone made the agent loop, the session recorder
and the UI do their work per token (20,000 times for a long answer). ``ready_batches`` reads the
stream in a task of its own and gives the consumer, each time it asks, every event read since it last
asked (``StreamingProvider`` joins each run of text deltas of a batch into one).

A paced stream (a few tokens at a time) shows itself by ``PACED_RUN`` small batches in a row: after
those, the next batch is taken ``BATCH_GAP`` seconds after the last, not at once. The screen shows text
a few times a second anyway, so the gap costs nothing visible, and a 150 tokens/s stream costs the app
about 25 batches a second instead of 150 events. The stream is read at the same pace: once ``PACED_RUN``
reads in a row also had to wait for the network, what the server sends until the consumer's next batch
stays in the socket's buffer and is read in one go just before it. A network read costs the HTTP stack
(httpcore, h11, anyio: a timeout scope, a wait, the selector) the same whatever it holds, and one read
per token was most of a paced stream's CPU without the UI. The end of a paced stream can so wait up to
a gap in the socket.

The first batch (time to first token is felt) is never held, nor is anything after a large batch: a
fast stream is measurably slower when its reader is made to wait. A fast server's reads sometimes end
mid-event, so one small read, or one small batch, comes amid large ones: taken alone for a sign of
pacing, it would stop the reader for a whole gap while the server waits on a full socket, and leave
the events read meanwhile to the end of the answer, where they would hold back its last frame; hence a
run of ``PACED_RUN``. One exception: a first read that is already a burst waits up to
``BURST_END_WAIT`` for the end of the stream, which from a fast server is a millisecond behind;
delivered apart, the text would be drawn in one frame and the end in another (the long-session
benchmark's slow exchanges).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")

BATCH_GAP = 0.04  # seconds; see the module docstring
SMALL_BATCH = 16  # items: a batch this small comes from a paced stream
PACED_WAIT = 0.001  # seconds: a read that waited this long came from a stream slower than its reader
READ_AHEAD = 0.002  # seconds before the consumer's next batch that a paced stream is read
PACED_RUN = 3  # small batches in a row (and small reads that waited PACED_WAIT): a paced stream
BURST_END_WAIT = 0.01  # seconds a first batch larger than SMALL_BATCH waits for the stream's end


async def ready_batches(source: AsyncIterator[list[T]], *, min_gap: float = 0.0) -> AsyncIterator[list[T]]:
    """The items of ``source`` (which yields them in lists: a network read's events, ``_sse``) in lists
    of everything produced since the consumer last asked.

    ``source`` runs in its own task; its exception is raised here after the items it produced before
    it, and closing or cancelling the consumer cancels and closes ``source``. ``min_gap``: seconds
    from a batch to the next once ``PACED_RUN`` batches in a row held at most ``SMALL_BATCH`` items
    (never holding back the end of ``source`` once read); with it, a ``source`` whose reads also keep
    waiting for few items is next read just before the next batch is due.
    """
    buffer: list[T] = []
    ready = asyncio.Event()
    done = asyncio.Event()
    failure: list[BaseException] = []
    loop = asyncio.get_running_loop()
    last: float | None = None
    small_batches = 0  # batches in a row of at most SMALL_BATCH items

    async def pump() -> None:
        slow_reads = 0  # reads in a row that waited for the network and brought few items
        try:
            items_of = aiter(source)
            while True:
                asked = loop.time()
                try:
                    items = await anext(items_of)
                except StopAsyncIteration:
                    break
                buffer.extend(items)
                ready.set()
                now = loop.time()
                if len(items) > SMALL_BATCH:
                    slow_reads = 0
                elif now - asked >= PACED_WAIT:
                    slow_reads += 1
                if min_gap and last is not None and small_batches >= PACED_RUN and slow_reads >= PACED_RUN:
                    # A paced stream: what it sends until the consumer's next batch (this one's, if the
                    # last is a gap old) waits in the socket and is read in one go just before it.
                    due = last + min_gap if last + min_gap > now else now + min_gap
                    await asyncio.sleep(due - READ_AHEAD - now)
        except Exception as exc:
            failure.append(exc)
        finally:
            done.set()
            ready.set()
            aclose = getattr(source, "aclose", None)
            if aclose is not None:
                await aclose()

    task = asyncio.create_task(pump(), name="flux-provider-stream")
    try:
        while True:
            if not buffer and not done.is_set():
                await ready.wait()
                ready.clear()
            if min_gap and last is not None and small_batches >= PACED_RUN and not done.is_set():
                wait = last + min_gap - loop.time()
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(done.wait(), wait)
                    ready.clear()
            if last is None and len(buffer) > SMALL_BATCH and not done.is_set():
                # The first read is already a burst (a fast server): its end is probably moments
                # behind, and taken together they cost the UI one frame instead of two.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), BURST_END_WAIT)
            if buffer:
                batch = buffer[:]
                buffer.clear()
                last = loop.time()
                small_batches = small_batches + 1 if len(batch) <= SMALL_BATCH else 0
                yield batch
            elif done.is_set():
                if failure:
                    raise failure[0]
                return
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
