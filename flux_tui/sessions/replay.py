"""Replay: feed stored events to a sink with their original timing. No Textual, no I/O.

The sink is the same entry point live events use (the UI's), so a replay looks like the session did.
The player only calls the sink: it never makes a network request, runs a tool or touches a file.

Timing: the wait before an event is the gap between its timestamp and the previous one's, capped at
``max_gap`` (a session left idle overnight replays without the night), divided by ``speed``;
``speed=None`` plays instantly. Pause, resume, step and speed changes apply at once, also mid-wait: the
part of the gap already waited is kept.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from flux_tui.core.agent_events import AgentEvent, TextDelta, ThinkingDelta

Sink = Callable[[AgentEvent], Awaitable[None] | None]

DEFAULT_MAX_GAP = 3.0  # seconds of original time
SPEEDS: tuple[float | None, ...] = (1.0, 2.0, 10.0, None)  # the UI's presets; None = instant
_INSTANT_YIELD_EVERY = 20  # instant replay still lets the UI breathe
_DONE_EPSILON = 1e-4


class Waiter(Protocol):
    """What the player waits with; tests substitute a fake clock."""

    async def wait(self, timeout: float | None) -> None:
        """Return after ``timeout`` seconds (None: no limit) or as soon as ``wake`` is called."""

    def wake(self) -> None: ...


class AsyncioWaiter:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None) -> None:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            self._event.clear()

    def wake(self) -> None:
        self._event.set()


class ReplayPlayer:
    """Plays ``events`` into ``sink`` (a plain or async callable). Run ``await player.play()`` in a
    worker; call the controls from anywhere on the same event loop."""

    def __init__(
        self,
        events: Sequence[AgentEvent],
        sink: Sink,
        speed: float | None = 1.0,
        *,
        max_gap: float = DEFAULT_MAX_GAP,
        start_paused: bool = False,
        clock: Callable[[], float] = time.monotonic,
        waiter: Waiter | None = None,
    ) -> None:
        self._events = list(events)
        self._sink = sink
        self._speed = _checked(speed)
        self._max_gap = max_gap
        self._paused = start_paused
        self._stopped = False
        self._clock = clock
        self._waiter: Waiter = waiter or AsyncioWaiter()
        self._position = 0
        self._remaining = 0.0  # original-time seconds still to wait before the next event
        self._emit_lock = asyncio.Lock()
        self._done = asyncio.Event()

    # -- state ------------------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """How many events have been emitted."""
        return self._position

    @property
    def total(self) -> int:
        return len(self._events)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def speed(self) -> float | None:
        return self._speed

    @property
    def finished(self) -> bool:
        """Every event was emitted, or ``stop()`` was called."""
        return self._stopped or self._position >= len(self._events)

    @property
    def elapsed(self) -> float:
        """Original session time at the last emitted event, from the first event."""
        if self._position == 0:
            return 0.0
        return self._events[self._position - 1].ts - self._events[0].ts

    # -- controls ---------------------------------------------------------------------------------

    def pause(self) -> None:
        self._paused = True
        self._waiter.wake()

    def resume(self) -> None:
        self._paused = False
        self._waiter.wake()

    def toggle_pause(self) -> None:
        self.resume() if self._paused else self.pause()

    def set_speed(self, speed: float | None) -> None:
        """Change the speed now; ``None`` is instant."""
        self._speed = _checked(speed)
        self._waiter.wake()

    def stop(self) -> None:
        self._stopped = True
        self._done.set()
        self._waiter.wake()

    async def step(self, *, whole_stream: bool = True) -> list[AgentEvent]:
        """Pause, then emit the next event at once; returns what was emitted (empty at the end).

        With ``whole_stream`` a run of text (or thinking) deltas counts as one step, as a reader sees it.
        """
        self.pause()
        emitted: list[AgentEvent] = []
        async with self._emit_lock:
            while not self.finished:
                event = await self._emit_next()
                emitted.append(event)
                if not (whole_stream and _is_delta(event)) or self.finished:
                    break
                if self._events[self._position].kind != event.kind:
                    break
        self._check_done()
        return emitted

    async def wait_finished(self) -> None:
        await self._done.wait()

    # -- playing ----------------------------------------------------------------------------------

    async def play(self) -> None:
        """Play to the end (or ``stop()``); returns when finished."""
        emitted = 0
        while not self.finished:
            if self._paused:
                await self._waiter.wait(None)
                continue
            speed = self._speed
            if speed is not None and self._remaining > _DONE_EPSILON:
                position, remaining, started = self._position, self._remaining, self._clock()
                await self._waiter.wait(remaining / speed)
                if self._position == position:  # a step moved on meanwhile: its gap starts fresh
                    self._remaining = max(0.0, remaining - (self._clock() - started) * speed)
                continue
            async with self._emit_lock:
                if self._paused or self.finished:
                    continue
                await self._emit_next()
            emitted += 1
            if speed is None and emitted % _INSTANT_YIELD_EVERY == 0:
                await asyncio.sleep(0)
        self._check_done()

    async def _emit_next(self) -> AgentEvent:
        event = self._events[self._position]
        self._position += 1
        self._remaining = self._gap(self._position)
        result = self._sink(event)
        if inspect.isawaitable(result):
            await result
        return event

    def _gap(self, index: int) -> float:
        if index <= 0 or index >= len(self._events):
            return 0.0
        gap = self._events[index].ts - self._events[index - 1].ts
        return min(max(gap, 0.0), self._max_gap)

    def _check_done(self) -> None:
        if self.finished:
            self._done.set()


def _is_delta(event: AgentEvent) -> bool:
    return isinstance(event, TextDelta | ThinkingDelta)


def _checked(speed: float | None) -> float | None:
    if speed is not None and speed <= 0:
        raise ValueError("replay speed must be positive (or None for instant)")
    return speed
