"""Replay in the live UI: a stored session re-enacted through ``FluxApp.apply_agent_event``.

The ``ReplayPlayer`` (sessions) feeds the stored events to the app's one entry point with their original
timing, so prompts appear, answers stream, tool calls fill the inspector and the sidebar accumulates as
they did. Nothing else is touched: events go to the widgets only, never to the agent, so there is no
network request, no tool run, no file touched and nothing recorded. While it plays:

- the app's ``mode`` is "replay": the prompt input and the provider/model menus are disabled, and the top
  bar says what plays;
- the replay runs as a worker of the app's "turn" group, so everything that refuses to act during a
  turn (switching, /clear, /retry, opening a session) refuses during a replay, and Esc anywhere stops it;
- ``app.replay`` is set, which keeps providers from being built (see ``ProviderControl``).

At the end the bar says "replay finished" and ``r`` resumes the session for real; Esc/q closes the
replay and the conversation from before comes back (``on_close`` does either).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.worker import Worker

from flux_tui.core.agent_events import AgentEvent, ToolCallProposed
from flux_tui.sessions import SPEEDS, LoadedSession, ReplayPlayer
from flux_tui.ui.mcp_control import start_mcp
from flux_tui.ui.widgets.replay_bar import ReplayBar

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp

OnClose = Callable[[LoadedSession, bool, bool], Awaitable[None]]
FINISHED_NOTICE = "■ Replay finished. Press r to resume this session for real, or Esc to close the replay."


def parse_speed(text: str) -> float | None:
    """``"1"``, ``"2"``, ``"10"``, ``"2x"`` or ``"instant"`` -> a player speed (None = instant)."""
    value = text.strip().lower().removesuffix("x")
    if value in ("instant", "max", "inf", "0"):
        return None
    try:
        speed = float(value)
    except ValueError:
        raise ValueError(f"unknown replay speed {text!r}: use 1, 2, 10 or instant") from None
    if speed <= 0:
        raise ValueError("the replay speed must be positive (or instant)")
    return speed


class ReplayController:
    """One replay of ``loaded`` in ``app``; ``start()`` it, then the bar's keys drive it."""

    def __init__(
        self,
        app: FluxApp,
        loaded: LoadedSession,
        *,
        speed: float | None = 1.0,
        start_paused: bool = False,
        on_close: OnClose | None = None,
    ) -> None:
        self.app = app
        self.loaded = loaded
        self.stored = True  # the session is in the store (the demo is not)
        self.player = ReplayPlayer(loaded.events, self._emit, speed=speed, start_paused=start_paused)
        self.bar: ReplayBar | None = None
        self.worker: Worker[None] | None = None
        self.done = False  # played to the end
        self._on_close = on_close
        self._resume = False
        self._closing = False
        self._closed = asyncio.Event()
        self._inspector_shown = False

    @property
    def title(self) -> str:
        return self.loaded.meta.display_title

    # -- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> bool:
        app = self.app
        if app.replay is not None or app.turn_running:
            return False
        app.replay = self
        app.mode = "replay"
        conversation = app.conversation
        self._inspector_shown = conversation.panel_open("inspector")
        conversation.clear()
        if any(isinstance(event, ToolCallProposed) for event in self.loaded.events):
            conversation.set_panel("inspector", True)
        self.bar = ReplayBar(self)
        conversation.show_bar(self.bar)
        self.worker = app.run_worker(self._run(), name="replay", group="turn", exit_on_error=False)
        return True

    async def _run(self) -> None:
        try:
            await self.player.play()
            if not self._closing:
                self.done = True
                self.app.conversation.notice(FINISHED_NOTICE)
                if self.bar is not None:
                    self.bar.refresh_state()
                await self._closed.wait()
        finally:
            self._teardown()

    def _emit(self, event: AgentEvent) -> None:
        self.app.apply_agent_event(event)

    def _teardown(self) -> None:
        """Give the app back; then (in a worker) resume for real or show the live conversation again."""
        app = self.app
        self.player.stop()
        app.replay = None
        if app._closing or not app.is_running:  # quitting: nothing to give back
            return
        if self.bar is not None:
            self.bar.remove()
        app.busy = False  # a replayed turn cut short never ended
        app.conversation.set_panel("inspector", self._inspector_shown)
        app.run_worker(self._after(self._resume), group="sessions", exit_on_error=False)

    async def _after(self, resume: bool) -> None:
        app = self.app
        try:
            if self._on_close is not None:
                await self._on_close(self.loaded, resume, self.stored)
        finally:
            app.mode = "live"
            app.conversation.focus_prompt()
            if getattr(app.agent.provider, "built", True) is None:
                app.warm_up()  # skipped at startup while the replay played
            start_mcp(app)  # likewise (a no-op when they run already)

    # -- controls (the bar's keys) -------------------------------------------------------------------

    def toggle_pause(self) -> None:
        if not self.done:
            self.player.toggle_pause()

    async def step(self) -> list[AgentEvent]:
        if self.done or self._closing:
            return []
        return await self.player.step()

    def cycle_speed(self) -> float | None:
        current = self.player.speed
        index = SPEEDS.index(current) if current in SPEEDS else -1
        speed = SPEEDS[(index + 1) % len(SPEEDS)]
        self.player.set_speed(speed)
        return speed

    def close(self, *, resume: bool = False) -> None:
        """Stop (or leave the finished replay); ``resume`` continues the session for real."""
        if self._closing:
            return
        self._closing = True
        self._resume = resume
        self.player.stop()
        self._closed.set()

    async def wait_closed(self) -> None:
        """Until the replay's worker has ended (tests)."""
        if self.worker is not None:
            with contextlib.suppress(Exception):
                await self.worker.wait()
