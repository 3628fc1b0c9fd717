"""The agent loop: send, stream, run tools, send their results, until the model stops asking for tools.

It knows nothing of Textual: the TUI, headless ``flux-tui run`` and tests drive the same loop and
receive the same ``AgentEvent``s through their sinks (called synchronously, in order).

Invariants a caller can rely on:
- every message appended to the transcript is announced once, in its final form, by
  ``MessageCommitted`` (the session store rebuilds the transcript from these);
- every tool call gets a result, also when the turn fails or is cancelled, so the next request is
  valid for any provider;
- provider failures end the turn with ``TurnFailed`` and ``"error"``; they are never raised. A cancel
  (``asyncio.CancelledError``) emits ``TurnCancelled`` and is re-raised;
- a prompt is committed once part of its answer arrived; when the turn ends before that, the prompt is
  taken out of the history (``PromptUnanswered``, before the turn's end) and kept for ``/retry``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from flux_tui.core._agent_failure import failure_event
from flux_tui.core._agent_prompt import HeldPrompt, Unanswered
from flux_tui.core._agent_stream import closing, default_stream_step, relay
from flux_tui.core._agent_tools import ToolPhase
from flux_tui.core._agent_usage import UsageMemory, UsageMeter, estimate_input
from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    MessageCommitted,
    Notice,
    ProviderSwitched,
    StepFinished,
    TurnCancelled,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.errors import ProviderError
from flux_tui.core.events import STOP_OTHER
from flux_tui.core.hints import TUI_HINTS, Hints
from flux_tui.core.protocols import (
    Approver,
    ChatProvider,
    EventSink,
    StepRequest,
    StreamStep,
    ToolRunner,
)
from flux_tui.core.redact import Redactor
from flux_tui.core.retry import ANSWER_EVENTS
from flux_tui.core.secret_values import tool_result_redactor
from flux_tui.core.transcript import Transcript

log = logging.getLogger(__name__)

STOP_MAX_STEPS = "max_steps"
STOP_ERROR = "error"
INTERRUPTED_RESULT = "not run: the previous turn was interrupted before this tool call completed"
FAILED_RESULT = "not run: the turn failed before this tool call could run"


class Agent:
    """Drives one conversation's turns over a ``ChatProvider`` and an optional ``ToolRunner``."""

    #: Seconds between live usage estimates while a reply streams.
    usage_interval: float = 0.25

    def __init__(
        self,
        provider: ChatProvider,
        *,
        tools: ToolRunner | None = None,
        approver: Approver | None = None,
        system_prompt: str | Callable[[], str] | None = None,
        max_steps: int = 25,
        sinks: list[EventSink] | None = None,
        stream_step: StreamStep | None = None,
        redactor: Redactor | None = None,
        hints: Hints = TUI_HINTS,
    ) -> None:
        """``redactor``: what tool results (and the file context) pass through before the model sees
        them; the default knows the environment's key variables and the key shapes, pass
        ``core.secret_values.tool_result_redactor(config)`` to add the configured keys."""
        self.provider = provider
        self.redactor = redactor if redactor is not None else tool_result_redactor()
        provider.transcript.redact = self.redactor.redact_cut
        self.tools = tools
        self.approver = approver
        # A callable (core.instructions.ProjectContext) is read once per turn, so a conversation
        # started before the files are read still gets them.
        self.system_source = system_prompt
        self.system_prompt: str | None = system_prompt if isinstance(system_prompt, str) else None
        self.max_steps = max(1, max_steps)
        self.stream_step: StreamStep = stream_step or default_stream_step
        self.hints = hints  # the step limit's notice names what lets the model go on, here
        self._sinks: list[EventSink] = list(sinks or [])
        self._running = False
        self._turn_id = ""
        self._usage_memory = UsageMemory()  # what estimates learn from earlier replies
        # Messages before this index were committed (or came from a resumed session).
        self._committed = 0
        self._last_committed_id: str | None = None
        self._prompt: HeldPrompt | None = None  # the turn's prompt while nothing answered it
        self._unanswered: Unanswered | None = None

    @property
    def transcript(self) -> Transcript:
        return self.provider.transcript

    @property
    def running(self) -> bool:
        return self._running

    @property
    def turn_id(self) -> str:
        return self._turn_id

    @property
    def unanswered(self) -> str | None:
        """The last turn's prompt if it got no answer and the history has not moved on since."""
        if self._unanswered is None or not self._unanswered.current(self.transcript):
            return None
        return self._unanswered.text

    def remember_unanswered(self, prompt: str | None) -> None:
        """Make ``prompt`` the one ``/retry`` sends (a resumed session whose last prompt got no answer)."""
        self._unanswered = Unanswered.of(prompt, self.transcript) if prompt else None

    def subscribe(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    def unsubscribe(self, sink: EventSink) -> None:
        if sink in self._sinks:
            self._sinks.remove(sink)

    def emit(self, event: AgentEvent) -> None:
        """Deliver to every sink in order; a failing sink is logged and skipped, the turn goes on."""
        for sink in list(self._sinks):
            try:
                sink(event)
            except Exception:
                log.exception("event sink %r failed on %s", sink, event.kind)

    def clear_history(self) -> None:
        """``/clear``: the history the model sees starts empty; ``HistoryCleared`` tells every listener
        (a stored session rebuilds from it on). Refused while a turn runs."""
        if self._running:
            raise RuntimeError("cannot clear the conversation while a turn is running")
        self.replace_history(Transcript())
        self._unanswered = None  # /retry must not send a prompt cleared away
        self.emit(HistoryCleared())

    def replace_history(self, transcript: Transcript) -> None:
        """Continue another conversation (a stored session, or none after ``/clear``): its history
        replaces the model's, in the same ``Transcript`` object (providers hold it), and what the model
        saw of files goes with the old one."""
        self.transcript.messages[:] = transcript.messages
        self.transcript.file_context = transcript.file_context
        if self.tools is not None:
            self.tools.history_replaced()

    # -- provider switching ---------------------------------------------------------------------

    def switch_provider(
        self, provider: ChatProvider, reason: str = "user", *, during_turn: bool = False
    ) -> None:
        """Continue the conversation on another provider (the history carries over).

        Refused while a turn runs, unless ``during_turn`` (failover from inside the turn).
        A provider built on another Transcript object is given this one, so nothing is lost.
        """
        if self._running and not during_turn:
            raise RuntimeError("cannot switch provider while a turn is running; wait or cancel it first")
        previous = self.provider
        if provider.transcript is not previous.transcript:
            try:
                provider.transcript = previous.transcript
            except AttributeError:
                raise ValueError("the new provider must share the conversation's Transcript") from None
        self.provider = provider
        self.emit(
            ProviderSwitched(
                provider=provider.name,
                model=provider.model,
                previous_provider=previous.name,
                previous_model=previous.model,
                reason=reason,
            )
        )

    # -- the turn -------------------------------------------------------------------------------

    async def run_turn(self, prompt: str | None) -> str:
        """Run one turn; returns its stop reason (``end_turn``, ``max_steps``, ``error``...).

        ``prompt=None`` continues the conversation as it stands (after a failure, a step limit or a
        cancel) without adding a user message.
        """
        if self._running:
            raise RuntimeError("a turn is already running")
        if prompt is None and not self.transcript.messages:
            raise ValueError("nothing to continue: the conversation is empty")
        self._running = True
        self.transcript.redact = self.redactor.redact_cut
        self._turn_id = uuid.uuid4().hex[:12]
        self._committed = len(self.transcript.messages)
        try:
            if callable(self.system_source):
                self.system_prompt = self.system_source()
            self.emit(
                TurnStarted(
                    turn_id=self._turn_id,
                    prompt=prompt or "",
                    provider=self.provider.name,
                    model=self.provider.model,
                )
            )
            self._close_orphans()
            self._unanswered = None
            if prompt is not None:
                self._prompt = HeldPrompt(prompt, len(self.transcript.messages))
            try:
                stop_reason = await self._loop(prompt)
            except asyncio.CancelledError:
                self._close_pending("cancelled", "cancelled by the user before it ran")
                self._take_back_prompt("cancelled")
                self._commit_new()
                self.emit(TurnCancelled())
                raise
            except Exception as exc:
                self._close_pending("interrupted", FAILED_RESULT)
                failure = failure_event(exc)
                self._take_back_prompt(failure.error)
                self._commit_new()
                self.emit(failure)
                return STOP_ERROR
            self._commit_new()
            self.emit(TurnFinished(stop_reason=stop_reason))
            return stop_reason
        finally:
            self._prompt = None
            self._running = False

    async def _loop(self, prompt: str | None) -> str:
        message = prompt
        step = 0
        while True:
            if step >= self.max_steps:
                self.emit(Notice(text=self.hints.step_limit(self.max_steps), level="warning"))
                return STOP_MAX_STEPS
            step += 1
            stop_reason = await self._model_step(message, step)
            message = None
            if self._prompt is not None:  # the step ended normally: whatever it stored is the answer
                self._prompt = None
                self._commit_new()
            calls = self.transcript.pending_tool_calls()
            if not calls:
                return stop_reason
            phase = ToolPhase(
                transcript=self.transcript,
                tools=self.tools,
                approver=self.approver,
                emit=self.emit,
                redact=self.redactor.redact_cut,
            )
            try:
                touched = await phase.run(calls)
            finally:
                self._commit_new()
            if touched is not None:
                self.provider.set_current_file_context(touched)

    async def _model_step(self, message: str | None, step: int) -> str:
        tools = self.tools.schemas() if self.tools is not None else None
        request = StepRequest(
            message=message,
            system_prompt=self.system_prompt,
            tools=tools or None,
            step=step,
            turn_id=self._turn_id,
        )
        provider = self.provider
        meter = self._meter(provider, tools)
        stop_reason: str | None = None
        failed = False
        try:
            async with closing(self.stream_step(self, request)) as stream:
                async for event in stream:
                    if self.provider is not provider:
                        # The step failed over to another provider: its usage is its own.
                        meter.finish(failed=True)
                        provider = self.provider
                        meter = self._meter(provider, tools)
                    if self._prompt is not None and event.get("type") in ANSWER_EVENTS:
                        self._prompt.answered = True
                    self._commit_new()  # the prompt, once its answer has started
                    stop_reason = relay(event, meter, self.emit) or stop_reason
        except ProviderError:
            failed = True
            raise
        finally:
            meter.finish(failed=failed)
            self._commit_new()
        stop_reason = stop_reason or STOP_OTHER
        self.emit(StepFinished(stop_reason=stop_reason))
        return stop_reason

    def _meter(self, provider: ChatProvider, tools: list[dict[str, Any]] | None) -> UsageMeter:
        return UsageMeter(
            self.emit,
            kind=getattr(provider, "kind", "") or "",
            provider=provider.name,
            model=provider.model,
            input_tokens=lambda: estimate_input(self.transcript, self.system_prompt, tools),
            base_url=getattr(getattr(provider, "settings", None), "base_url", None),
            interval=self.usage_interval,
            memory=self._usage_memory,
        )

    # -- history bookkeeping --------------------------------------------------------------------

    def _commit_new(self) -> None:
        """Announce every message appended since the last commit; a prompt nothing has answered yet
        waits (see ``_take_back_prompt``)."""
        messages = self.transcript.messages
        end = len(messages)
        if self._prompt is not None and self._prompt.waiting(self.transcript):
            end = min(end, self._prompt.at)
        if self._committed > end:  # the history was cleared under us
            self._committed = end
        for message in messages[self._committed : end]:
            self.emit(MessageCommitted(message=message.to_dict()))
        self._committed = end

    def _take_back_prompt(self, reason: str) -> None:
        """The turn ends before any answer: the prompt leaves the history (it was never committed) and
        is remembered for ``/retry``; the chat is told, to mark it."""
        prompt, self._prompt = self._prompt, None
        if prompt is None or not prompt.waiting(self.transcript):
            return
        event = prompt.take_back(self.transcript, reason)
        self._unanswered = Unanswered.of(prompt.text, self.transcript)
        self.emit(event)

    def _close_pending(self, status: Any, reason: str) -> None:
        try:
            self.transcript.close_pending_tool_calls(status, reason)
        except Exception:  # never let cleanup hide the original problem
            log.exception("closing pending tool calls failed")

    def _close_orphans(self) -> None:
        """Answer tool calls left without results (a crash, an old session) before a new request."""
        if not self.transcript.pending_tool_calls():
            return
        last = self.transcript.messages[-1]
        self._close_pending("interrupted", INTERRUPTED_RESULT)
        if self.transcript.messages[-1] is last and last.role == "user":
            # The results went into an already committed message: announce it again in its new form
            # (same id, so a store replaces it).
            self._committed = min(self._committed, len(self.transcript.messages) - 1)
        self._commit_new()
