"""Turns in the app (``TurnControl``, mixed into ``FluxApp``): the turn worker, agent events to the
screen and the app's state, cancel and approvals."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.timer import Timer
from textual.worker import WorkerCancelled, WorkerFailed

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    Notice,
    ProviderSwitched,
    TextDelta,
    ThinkingDelta,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
    last_unanswered,
)
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.core.transcript import Transcript
from flux_tui.sessions.recorder import DEFAULT_FLUSH_INTERVAL
from flux_tui.ui.heap import collect_if_due
from flux_tui.ui.messages import AgentEventsPosted
from flux_tui.ui.textual_patches import draw_now

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp

_TURN_ENDS = (TurnFinished, TurnFailed, TurnCancelled)
# Events that come before the answer and say nothing of it: they do not release the held first frame.
# A notice is one: a request that leaves out earlier turns to fit the window says so before it is sent,
# and a frame drawn then would show the notice and draw the answer, a moment later, in a second one.
_BEFORE_THE_ANSWER = (TurnStarted, Notice)
# Events that go on with an answer that came as a burst, holding its first frame (``_held_for_burst``).
# A message committed is the prompt's, sent, or the answer's, before its end or its tool calls.
_BURST_GOES_ON = (*_BEFORE_THE_ANSWER, MessageCommitted, TextDelta, ThinkingDelta, UsageReported)
# After a turn ends, a due full collection (see heap) waits for the end of the answer to be drawn, and
# runs while it is read: soon enough that the next prompt is rarely being typed yet.
IDLE_COLLECT_DELAY = 0.2
END_FRAME_BACKSTOP = DEFAULT_FLUSH_INTERVAL  # an answer held for its end's frame is stored by then
# After Enter, the screen waits this long at most for the answer's first events before it draws the
# prompt on its own (see ``_hold_first_frame``); Textual's own ``delay_update`` default.
FIRST_FRAME_WAIT = 0.05
# An answer whose first events already hold this much text comes faster than a screen shows it (a local
# server, a cache): its first frame waits up to BURST_FRAME_WAIT more for its end (see ``_held_for_burst``).
BURST_CHARS = 2000
BURST_FRAME_WAIT = 0.1
# Chat lines that stay in the conversation: worded as a rule, they still read true once the answer ends.
BUSY_MESSAGE = "Not done while an answer streams: wait for it to end, or press Esc to cancel it."
# What a command that waits for the conversation to be idle says while a replay plays instead.
REPLAYING = "A replay is playing: press Esc to close it, or r to resume the session for real."
# Not queued to go by itself: the answer being read may change what to ask next, or end in an error.
KEPT_MESSAGE = (
    "Not sent while an answer streams: what you typed stays in the input. "
    "Press Enter to send it once the answer has ended, or Esc to stop the answer."
)


class TurnControl:
    """Mixed into ``FluxApp``. Runs turns in an exclusive worker and routes every AgentEvent."""

    _inbox: list[AgentEvent]
    _after_end_frame: list[Callable[[], None]]  # run once the frame showing a turn's end is drawn
    _first_frame_timer: Timer | None = None  # set while the first frame is held (its backstop)
    _first_frame_release: asyncio.Task[None] | None = None
    _burst_hold = False  # the held first frame waits for the end of an answer that came as a burst
    _burst_chars = 0  # the answer's text received while its first frame is held
    _end_frame: asyncio.Task[None] | None = None  # the answer's end, drawn once mounted (kept referenced)
    quitting = False  # ``exit`` was called: the screen is being taken down

    def exit(self: FluxApp, *args: Any, **kwargs: Any) -> None:
        self.quitting = True
        super().exit(*args, **kwargs)

    # -- events in ----------------------------------------------------------------------------------

    def event_sink(self: FluxApp, event: AgentEvent) -> None:
        """The agent's sink: called synchronously for every event, so it only queues and pings."""
        inbox = self._inbox
        inbox.append(event)
        if len(inbox) == 1:
            if self._first_frame_held:
                # The turn's first events come before its request is sent, by the task sending it, and
                # that task yields to the loop once between the request's headers and its body. Pinged
                # at once, the screen would mount the prompt and the answer (2 to 3 ms) in that yield
                # while the server waits for the body; pinged an iteration later, the body goes first
                # and the server reads it while the screen works (benchmarks/README, the long session).
                asyncio.get_running_loop().call_soon(self.post_message, AgentEventsPosted())
            else:
                self.post_message(AgentEventsPosted())

    def on_agent_events_posted(self: FluxApp, message: AgentEventsPosted) -> None:
        events, self._inbox = self._inbox, []
        if self.quitting or not self.is_running:
            # Quit while a turn streams: the widgets are being taken down, and applying an event to
            # them raised (mounting into an answer already off the screen: a traceback on exit). The
            # session recorder, a sink of its own, has them.
            return
        for event in events:
            self.apply_agent_event(event)
        burst = self._first_frame_held and self._held_for_burst(events)
        if (
            self._first_frame_held
            and self._first_frame_release is None
            and any(not isinstance(event, _BEFORE_THE_ANSWER) for event in events)
            and not burst
        ):
            # In a task of its own: the app's message loop must not wait on the widgets' mounting.
            self._first_frame_release = asyncio.create_task(self._release_first_frame_when_mounted())
        elif not self._first_frame_held and any(isinstance(event, _TURN_ENDS) for event in events):
            # The end of an answer is what the user waits for: its frame is asked for once the last
            # chunk is mounted, not at the screen timer's next tick (0 to 17 ms later).
            self._end_frame = asyncio.create_task(self._draw_when_mounted())

    def _held_for_burst(self: FluxApp, events: list[AgentEvent]) -> bool:
        """Whether the held first frame goes on waiting, for the end of an answer that came as a burst.

        An answer that streams faster than a screen shows it (its first events hold ``BURST_CHARS``)
        ends tens of ms after it begins. Drawn as it comes, it takes two frames of the whole chat, its
        first words and its end, and nothing is read from the stream while the first is drawn (about
        30 ms at 160x50). Held, it is drawn once, as soon as it ends, or ``BURST_FRAME_WAIT`` after it
        began to come if it goes on. Anything but more text (a tool call to approve, an error) releases
        the frame at once. The text is counted over every delivery of events before the frame: the
        first network read of a stream often holds its first event alone.
        """
        if not all(isinstance(event, _BURST_GOES_ON) for event in events):
            self._burst_hold = False
            return False
        if self._burst_hold:
            return True
        self._burst_chars += sum(len(e.text) for e in events if isinstance(e, TextDelta | ThinkingDelta))
        if self._burst_chars < BURST_CHARS:
            return False
        self._burst_hold = True
        timer = self._first_frame_timer
        if timer is not None:
            timer.stop()
        self._first_frame_timer = self.set_timer(BURST_FRAME_WAIT, self._release_first_frame)
        return True

    def apply_agent_event(self: FluxApp, event: AgentEvent) -> None:
        """The one entry point: live turns and replayed sessions both come through here."""
        self.conversation.show(event)
        if isinstance(event, TurnStarted):
            self.busy = True
            # A replayed turn names the model it went to (its session may start on another one).
            self.provider, self.model = event.provider, event.model
        elif isinstance(event, _TURN_ENDS):
            self.busy = False
            self.set_timer(IDLE_COLLECT_DELAY, self._collect_when_idle)
        elif isinstance(event, ProviderSwitched):
            self.on_provider_switched(event)

    def load_events(self: FluxApp, events: Iterable[AgentEvent]) -> None:
        """Show a stored conversation at once (resume). The widgets get the same events as live; the
        chat renders only what comes into view (see ``ChatPane.load``)."""
        events = list(events)
        self.conversation.load(events)
        for event in events:
            if isinstance(event, ProviderSwitched):
                self.on_provider_switched(event)

    def resume(
        self: FluxApp,
        events: Iterable[AgentEvent],
        transcript: Transcript | None = None,
        *,
        copied_at: float | None = None,
    ) -> None:
        """Replace the conversation by a stored one: its events on screen, its history for the model.

        A last prompt that got no answer is what ``/retry`` sends.
        """
        self.conversation.clear()
        if transcript is not None:
            self.agent.replace_history(transcript)
        events = list(events)
        self.agent.remember_unanswered(last_unanswered(events) if transcript is not None else None)
        self.load_events(events)
        budget = self.turns.budget_guard
        if budget is not None:
            budget.load(events, copied_at=copied_at)  # a fork's copied spend is not today's here

    def _collect_when_idle(self: FluxApp) -> None:
        if not self.turn_running:
            collect_if_due()

    # -- the turn -----------------------------------------------------------------------------------

    @property
    def turn_running(self: FluxApp) -> bool:
        return self.agent.running or any(
            worker.group == "turn" and not worker.is_finished for worker in self.workers
        )

    def busy_text(self: FluxApp, text: str) -> str:
        """Why a command waits: ``text`` while an answer streams; a replay's own words while one plays."""
        return REPLAYING if self.replay is not None else text

    def send_prompt(self: FluxApp, prompt: str) -> bool:
        """Start a turn; refused (with a notice) while another one streams."""
        if self.turn_running:
            self.conversation.notice(self.busy_text(BUSY_MESSAGE), "warning")
            return False
        self._hold_first_frame()
        self._turn_worker(prompt)
        return True

    @property
    def _first_frame_held(self: FluxApp) -> bool:
        return self._first_frame_timer is not None

    def _hold_first_frame(self: FluxApp) -> None:
        """Draw the prompt together with the answer's start when the answer comes within
        ``FIRST_FRAME_WAIT``; a slower model gets the prompt drawn on its own once it has passed.

        Each frame here is a layout of the whole chat and a repaint (15 to 30 ms on 2 cores). A quick
        server (a local model, a cache) answered around the time the prompt's frame came due, so the
        same exchange took one frame or two depending on which came first; now it takes one. A model
        slower than the wait sees no change but the prompt drawn up to that much later.
        """
        if self._first_frame_held:
            return
        self._burst_hold = False
        self._burst_chars = 0
        self._begin_batch()
        self._first_frame_timer = self.set_timer(FIRST_FRAME_WAIT, self._release_first_frame)

    async def _release_first_frame_when_mounted(self: FluxApp) -> None:
        # The answer's widgets are mounted by their own message loops: a frame drawn before they are
        # would show the prompt without the answer, and the next frame would be a second layout.
        try:
            await self.conversation.drawn()
        except BaseException:
            self._release_first_frame()
            raise
        if self._burst_hold and self._first_frame_held:
            # A burst comes while the answer's first widgets mount: its end, or its timer, releases
            # the frame.
            self._first_frame_release = None
            return
        self._release_first_frame()

    async def _draw_when_mounted(self: FluxApp) -> None:
        await self.conversation.drawn()
        draw_now(self.screen)
        self._run_after_end_frame()

    def after_end_frame(self: FluxApp, callback: Callable[[], None]) -> None:
        """Run ``callback`` after the frame that shows the running turn's end (the session recorder
        stores the answer then: see ``services.recording``); at once when no turn runs."""
        if not self.turn_running:
            callback()
            return
        self._after_end_frame.append(callback)
        # A frame that never comes (the screen stuck, the chat never settling) does not hold the answer
        # out of the store for longer than the recorder's own flush interval: a crash loses no more.
        self.set_timer(END_FRAME_BACKSTOP, self._run_after_end_frame)

    def _run_after_end_frame(self: FluxApp) -> None:
        """Called once that frame is asked for: the callbacks run after it (after the screen's refresh)."""
        callbacks, self._after_end_frame = self._after_end_frame, []
        for callback in callbacks:
            if not self.screen.call_after_refresh(callback):  # the screen is closing: no frame to wait for
                callback()

    def _release_first_frame(self: FluxApp) -> None:
        self._first_frame_release = None
        timer, self._first_frame_timer = self._first_frame_timer, None
        if timer is not None:
            timer.stop()
            self._end_batch()
            # Textual draws a screen on its own timer, on a fixed grid of 60 ticks a second, and a screen
            # released from a batch waits for the next tick: 0 to 17 ms between the answer being ready
            # and its frame, phase-locked to the keys typed before Enter, so an answer ready a few ms
            # later often waits a whole tick more. The frame is asked for here instead.
            draw_now(self.screen)
            if not self.busy:  # the turn ended before its first frame: this frame shows the end
                self._run_after_end_frame()

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def _turn_worker(self: FluxApp, prompt: str | None) -> str:
        # Provider failures come back as TurnFailed events; a cancel emits TurnCancelled and re-raises.
        return await self.turns.prompt_work(prompt)

    def action_cancel_turn(self: FluxApp) -> None:
        """Esc: stop the running answer (the agent keeps the partial text and closes tool calls) and
        a running ``!command``."""
        from flux_tui.ui.prompt_context import stop_shell

        self.workers.cancel_group(self, "turn")
        stop_shell(self)

    async def wait_for_turn(self: FluxApp) -> None:
        """Wait until the running turn (if any) is over and its events are applied (tests, scripts)."""
        for worker in [w for w in self.workers if w.group == "turn"]:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        while self._inbox:
            await asyncio.sleep(0.01)

    # -- approvals ------------------------------------------------------------------------------------

    async def approve(self: FluxApp, request: ApprovalRequest) -> ApprovalDecision:
        """The agent's approver: shows the approval dialog and waits for the user's decision."""
        from flux_tui.ui.screens.approval import ApprovalScreen

        future: asyncio.Future[ApprovalDecision] = asyncio.get_running_loop().create_future()

        def decided(decision: ApprovalDecision | None) -> None:
            if not future.done():
                future.set_result(decision or ApprovalDecision("denied", "the dialog was closed"))

        screen = ApprovalScreen(request, redactor=self.agent.redactor)
        await self.push_screen(screen, callback=decided)
        try:
            return await future
        except asyncio.CancelledError:  # Esc / cancel while the dialog is open: take it away
            if screen.is_active or screen in self.screen_stack:
                screen.dismiss(None)
            raise
