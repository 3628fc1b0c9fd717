"""Provider events in batches (``llm/_batching``): a fast stream is joined per network read, a slow one
still arrives token by token, and nothing is lost, reordered or committed unseen."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import texts

from flux_tui.llm._batching import BURST_END_WAIT, PACED_RUN, SMALL_BATCH, ready_batches


async def _items(
    values: list[Any], *, fail: Exception | None = None, pause_every: int = 0
) -> AsyncIterator[list[Any]]:
    for index, value in enumerate(values):
        if pause_every and index and index % pause_every == 0:
            await asyncio.sleep(0)
        yield [value]
    if fail is not None:
        raise fail


async def test_items_produced_while_the_consumer_was_busy_come_together() -> None:
    batches = [batch async for batch in ready_batches(_items(list(range(10)), pause_every=5))]
    assert [item for batch in batches for item in batch] == list(range(10))
    assert batches[0] == [0, 1, 2, 3, 4]  # the source ran until it had to wait


async def test_the_source_error_comes_after_its_items() -> None:
    seen: list[int] = []
    with pytest.raises(ValueError, match="cut"):
        async for batch in ready_batches(_items([1, 2, 3], fail=ValueError("cut"), pause_every=2)):
            seen.extend(batch)
    assert seen == [1, 2, 3]


async def test_closing_the_consumer_stops_and_closes_the_source() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[list[int]]:
        try:
            n = 0
            while True:
                n += 1
                yield [n]
                await asyncio.sleep(0.001)
        finally:
            closed.set()

    batches = ready_batches(endless())
    first = await anext(batches)
    await batches.aclose()  # type: ignore[attr-defined]
    assert first[0] == 1
    assert closed.is_set()


def arriving(times: list[float]) -> tuple[AsyncIterator[list[int]], list[list[int]]]:
    """A source like a socket's: item ``n`` arrives ``times[n]`` seconds after the first read whether or
    not it is read, and a read takes every item arrived (waiting for the next when there is none).
    Returns the source and the list of its reads."""
    reads: list[list[int]] = []

    async def source() -> AsyncIterator[list[int]]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        taken = 0
        while taken < len(times):
            now = loop.time() - start
            if times[taken] > now:
                await asyncio.sleep(times[taken] - now)
                continue
            ready = [n for n in range(taken, len(times)) if times[n] <= now]  # times are in order
            taken += len(ready)
            reads.append(ready)
            yield ready

    return source(), reads


async def test_a_paced_source_is_taken_and_read_at_most_once_per_gap() -> None:
    source, reads = arriving([n * 0.005 for n in range(40)])  # 40 items, 200 a second, for 0.2 s
    loop = asyncio.get_running_loop()
    start = loop.time()
    taken: list[tuple[float, list[int]]] = []
    async for batch in ready_batches(source, min_gap=0.05):
        taken.append((loop.time() - start, batch))
    assert taken[0][1] == [0] and taken[0][0] < 0.03  # the first item is not held
    assert [n for _, batch in taken for n in batch] == list(range(40))
    # ~0.2 s of items in batches at least 0.05 s apart once the stream shows it is paced, not 40
    assert len(taken) <= 6 + PACED_RUN
    # What arrives between two batches waits in the socket and is read in one go before the next
    # batch: a read costs the HTTP stack the same work whatever it holds.
    assert len(reads) <= 2 * len(taken) + PACED_RUN, reads  # the arrived items, and the next one
    assert taken[-1][0] < 0.2 + 0.05 + 0.03  # the end waited a gap at most


async def test_a_first_burst_is_taken_with_an_end_just_behind_it() -> None:
    burst = list(range(SMALL_BATCH + 4))

    async def fast(rest_after: float) -> AsyncIterator[list[int]]:
        for n in burst:
            yield [n]
        await asyncio.sleep(rest_after)
        yield [-1]  # the stream's last event

    batches = [batch async for batch in ready_batches(fast(0.002))]
    assert batches == [[*burst, -1]]  # one delivery: text and end drawn in one frame

    loop = asyncio.get_running_loop()
    start = loop.time()
    taken: list[tuple[float, list[int]]] = []
    async for batch in ready_batches(fast(0.2)):
        taken.append((loop.time() - start, batch))
    assert taken[0][1] == burst and taken[0][0] < BURST_END_WAIT + 0.05  # a late end is not waited for
    assert taken[-1][1] == [-1]

    small = [batch async for batch in ready_batches(_items([1, 2, 3], pause_every=2))]
    assert small[0] == [1, 2]  # a small first read is never held


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_a_firehose_is_joined_per_read(fake_api: FakeAPI, make_provider: Any, kind: str) -> None:
    tokens = [f"t{i} " for i in range(3000)]
    fake_api.stream_text(kind, tokens)
    provider = make_provider(kind)
    events = [dict(e) async for e in provider.send_message("go")]
    assert texts(events) == "".join(tokens)
    assert len([e for e in events if e["type"] == "text"]) < len(tokens) / 10
    assert provider.transcript.messages[-1].text == "".join(tokens)


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_a_slow_stream_is_not_held_back(fake_api: FakeAPI, make_provider: Any, kind: str) -> None:
    """Nothing waits for a timer: each token of a paced stream is its own event, on arrival."""
    tokens = ["one ", "two ", "three ", "four "]
    fake_api.stream_text(kind, tokens, tokens_per_second=10)
    provider = make_provider(kind)
    arrivals: list[tuple[float, str]] = []
    async for event in provider.send_message("go"):
        if event["type"] == "text":
            arrivals.append((time.monotonic(), event["content"]))  # type: ignore[typeddict-item]
    assert [text for _, text in arrivals] == tokens
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(arrivals)]
    assert min(gaps) > 0.05  # spaced like the server sent them (0.1 s), not bunched


async def test_a_fast_stream_whose_reads_come_apart_is_read_without_a_pause() -> None:
    """A fast server's reads sometimes end mid-event, so a read of one item comes after a short wait
    and may be taken alone. That is not a paced stream: the reader goes on at once, where it had
    stopped for a whole gap while the server waited on a full socket, and so does the consumer."""
    loop = asyncio.get_running_loop()
    read_at: list[float] = []

    async def split_reads() -> AsyncIterator[list[int]]:
        n = 0
        for _ in range(5):
            for size in (200, 1, 1):
                await asyncio.sleep(0.002)
                read_at.append(loop.time())
                yield list(range(n, n + size))
                n += size

    taken: list[int] = []
    late: list[float] = []  # how long after its read each batch reached the consumer
    async for batch in ready_batches(split_reads(), min_gap=0.04):
        taken += batch
        late.append(loop.time() - read_at[-1])
    assert taken == list(range(5 * 202))
    pauses = [after - before for before, after in itertools.pairwise(read_at)]
    assert max(pauses) < 0.02, pauses  # each read follows the last by the source's 2 ms, not a gap
    # ... and the consumer takes what is read as it comes, not a gap later: what it left waiting was
    # all handled at the end, before the answer's last frame.
    assert len(late) >= 5 and max(late) < 0.02, late
