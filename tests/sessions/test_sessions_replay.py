"""The replay player's timing and controls, on a fake clock (no real waiting)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

import pytest

from flux_tui.core.agent_events import AgentEvent, Notice, TextDelta, TurnFinished, TurnStarted
from flux_tui.sessions import ReplayPlayer


class FakeTime:
    """A clock that jumps; ``at(t, action)`` runs an action (a control call) when the clock reaches t.
    ``at(t, None)`` stops the clock there until the test calls a control (see ``FakeWaiter.reached``)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.actions: list[tuple[float, Callable[[], None] | None]] = []

    def __call__(self) -> float:
        return self.now

    def at(self, t: float, action: Callable[[], None] | None) -> None:
        self.actions.append((t, action))
        self.actions.sort(key=lambda item: item[0])


class FakeWaiter:
    def __init__(self, clock: FakeTime) -> None:
        self.clock = clock
        self.woken = asyncio.Event()
        self.reached = asyncio.Event()
        self.waits: list[float | None] = []

    async def wait(self, timeout: float | None) -> None:
        self.waits.append(timeout)
        if self.woken.is_set():
            self.woken.clear()
            return
        target = math.inf if timeout is None else self.clock.now + timeout
        if self.clock.actions and self.clock.actions[0][0] <= target:
            when, action = self.clock.actions.pop(0)
            self.clock.now = max(self.clock.now, when)
            if action is None:
                self.reached.set()
                await self.woken.wait()
            else:
                action()
            self.woken.clear()
            return
        if timeout is None:  # paused with nothing scheduled: wait for a control from the test
            await self.woken.wait()
            self.woken.clear()
            return
        self.clock.now = target
        await asyncio.sleep(0)

    def wake(self) -> None:
        self.woken.set()


def events_at(*times: float) -> list[AgentEvent]:
    return [Notice(ts=1000 + t, text=f"e{i}") for i, t in enumerate(times)]


def make(
    events: list[AgentEvent], speed: float | None = 1.0, **kw: object
) -> tuple[ReplayPlayer, FakeTime, list]:
    clock = FakeTime()
    seen: list[tuple[float, str]] = []

    def sink(event: AgentEvent) -> None:
        seen.append((clock.now, getattr(event, "text", event.kind)))

    player = ReplayPlayer(events, sink, speed, clock=clock, waiter=FakeWaiter(clock), **kw)  # type: ignore[arg-type]
    return player, clock, seen


@pytest.mark.parametrize(
    ("speed", "expected"),
    [
        (1.0, [0.0, 1.0, 1.5, 4.5]),  # the 8.5 s idle gap is capped at 3 s
        (2.0, [0.0, 0.5, 0.75, 2.25]),
        (10.0, [0.0, 0.1, 0.15, 0.45]),
        (None, [0.0, 0.0, 0.0, 0.0]),
    ],
)
async def test_original_timing_scaled_by_speed(speed: float | None, expected: list[float]) -> None:
    player, _, seen = make(events_at(0, 1, 1.5, 10), speed, max_gap=3.0)
    await player.play()
    assert [t for t, _ in seen] == pytest.approx(expected)
    assert [text for _, text in seen] == ["e0", "e1", "e2", "e3"]
    assert player.finished and player.position == player.total == 4


async def test_instant_replay_never_waits() -> None:
    player, _, seen = make(events_at(*range(100)), None)
    await player.play()
    assert len(seen) == 100
    assert player._waiter.waits == []  # type: ignore[attr-defined]


async def test_speed_change_mid_wait_keeps_the_part_already_waited() -> None:
    player, clock, seen = make(events_at(0, 4), 1.0, max_gap=10)
    clock.at(1.0, lambda: player.set_speed(2.0))  # 1 s waited, 3 s of session time left at 2x
    await player.play()
    assert [t for t, _ in seen] == pytest.approx([0.0, 2.5])


async def test_pause_and_resume() -> None:
    player, clock, seen = make(events_at(0, 2, 3), 1.0)
    clock.at(0.5, player.pause)
    clock.at(10.0, player.resume)  # 1.5 s of the first gap remain after the pause
    await player.play()
    assert [t for t, _ in seen] == pytest.approx([0.0, 11.5, 12.5])
    assert None in player._waiter.waits  # type: ignore[attr-defined]  # it waited, paused, without a timeout


async def test_step_while_paused_emits_the_next_event_and_a_stream_as_one() -> None:
    events: list[AgentEvent] = [
        TurnStarted(ts=0, turn_id="t", prompt="p", provider="x", model="y"),
        TextDelta(ts=1, text="a"),
        TextDelta(ts=2, text="b"),
        TextDelta(ts=3, text="c"),
        TurnFinished(ts=4, stop_reason="end_turn"),
    ]
    player, _, seen = make(events, 1.0, start_paused=True)
    assert [e.kind for e in await player.step()] == ["turn_started"]
    assert [e.text for e in await player.step()] == ["a", "b", "c"]  # type: ignore[attr-defined]
    assert [e.kind for e in await player.step(whole_stream=False)] == ["turn_finished"]
    assert player.finished
    assert await player.step() == []
    assert [text for _, text in seen] == ["turn_started", "a", "b", "c", "turn_finished"]


async def test_step_during_play_pauses_then_resume_continues_from_there() -> None:
    player, clock, seen = make(events_at(0, 5, 6), 1.0)
    clock.at(1.0, None)
    task = asyncio.create_task(player.play())
    await player._waiter.reached.wait()  # type: ignore[attr-defined]
    assert [text for _, text in seen] == ["e0"]  # the first event; 1 s into the wait for the second
    assert [e.text for e in await player.step()] == ["e1"]  # type: ignore[attr-defined]
    assert player.paused
    player.resume()
    await asyncio.wait_for(task, 5)
    assert [(t, text) for t, text in seen] == [(0.0, "e0"), (1.0, "e1"), (2.0, "e2")]


async def test_an_async_sink_is_awaited_in_order() -> None:
    order: list[str] = []

    async def sink(event: AgentEvent) -> None:
        await asyncio.sleep(0)
        order.append(event.text)  # type: ignore[attr-defined]

    await ReplayPlayer(events_at(0, 1, 2), sink, None).play()
    assert order == ["e0", "e1", "e2"]


async def test_stop_ends_the_replay() -> None:
    player, clock, seen = make(events_at(0, 1, 2, 3), 1.0)
    clock.at(1.5, player.stop)
    await player.play()
    await player.wait_finished()
    assert [text for _, text in seen] == ["e0", "e1"]
    assert player.finished and player.position == 2
    assert player.elapsed == 1.0


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ReplayPlayer([], print, 0)
