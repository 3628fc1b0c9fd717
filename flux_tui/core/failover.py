"""``ReliableStep``: the agent's ``StreamStep`` with a budget gate, retries and failover.

For every model request of a turn:

1. the budget gate (``BudgetGuard.gate``) may ask the user before anything is sent;
2. the current provider is tried; a retryable failure (429, 5xx/529, connection, a stream that broke
   off) that happens *before any of the answer was yielded* is retried after a backoff
   (``RetryPolicy``), with a ``Notice`` saying so; the wait is an ``asyncio.sleep``, so cancelling the
   turn (Esc) stops it;
3. when the retries are used up, the request moves to the next ``fallback`` provider (built by the
   injected factory, handed the same transcript): a ``Notice``, then ``ProviderSwitched(reason=
   "failover")`` as soon as the fallback answers; later steps and turns stay there;
4. a failure after part of the answer was yielded is not retried: the provider has kept the partial
   answer (``incomplete``) and the error carries a hint saying how to go on (``/retry`` and
   ``/continue`` in the TUI; ``hints.Hints`` words it for where the step runs).

The user prompt is appended to the transcript by the provider on the first attempt; every later
attempt sends ``None``, so the history holds the prompt exactly once. If no provider took it (a
provider that could not be built, a budget refusal), it is not in the history at all: the agent
reports it unanswered and keeps it for ``/retry``, like a prompt that was sent and got no answer.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flux_tui.core.agent_events import Notice
from flux_tui.core.budget import TUI_BUDGET_WORDS, BudgetGuard, BudgetWords
from flux_tui.core.errors import FluxError, IncompleteStreamError, ProviderError
from flux_tui.core.events import ProviderEvent
from flux_tui.core.hints import TUI_HINTS, Hints
from flux_tui.core.protocols import ChatProvider, StepRequest
from flux_tui.core.redact import Redactor
from flux_tui.core.retry import (
    ANSWER_EVENTS,
    RetryPolicy,
    failure_summary,
    retry_notice,
    target_label,
)

if TYPE_CHECKING:
    from flux_tui.core.agent import Agent

log = logging.getLogger(__name__)

#: Builds a fallback provider: ``factory(provider_name, model_or_None)``; must return a new object.
ProviderFactory = Callable[[str, str | None], ChatProvider]
Sleep = Callable[[float], Awaitable[Any]]


@dataclass(slots=True)
class _Send:
    """Per-step state shared by every attempt."""

    message: str | None
    start: int  # transcript length when the step began
    answered: bool = False  # part of the answer was yielded to the agent
    errors: list[str] = field(default_factory=list)  # fallbacks that failed, for the final hint

    def pending_prompt(self, agent: Agent) -> str | None:
        """The prompt if no provider has appended it to the transcript yet."""
        if self.message is not None and len(agent.transcript.messages) > self.start:
            self.message = None
        return self.message


class _Exhausted(Exception):
    """Internal: this provider gave up before answering; ``error`` says why."""

    def __init__(self, error: FluxError) -> None:
        super().__init__(str(error))
        self.error = error


class ReliableStep:
    """A ``StreamStep`` (pass it as ``Agent(stream_step=...)``); see the module docstring."""

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        fallbacks: Sequence[tuple[str, str | None]] = (),
        factory: ProviderFactory | None = None,
        budget: BudgetGuard | None = None,
        secrets: Sequence[str | None] = (),
        sleep: Sleep = asyncio.sleep,
        hints: Hints = TUI_HINTS,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.hints = hints
        self.fallbacks = list(fallbacks)
        self.factory = factory
        self.budget = budget
        self.redactor = Redactor(secrets)
        self.sleep = sleep
        self._attached: weakref.WeakSet[Agent] = weakref.WeakSet()

    @classmethod
    def from_config(
        cls,
        config: Any,
        *,
        factory: ProviderFactory | None = None,
        confirm_over_budget: Callable[[float, float], Awaitable[bool]] | None = None,
        budget_words: BudgetWords = TUI_BUDGET_WORDS,
        hints: Hints = TUI_HINTS,
        secrets: Sequence[str | None] = (),
        sleep: Sleep = asyncio.sleep,
    ) -> ReliableStep:
        """From ``Config``: ``max_retries``, ``fallback``, ``budget_usd``."""
        daily = getattr(config, "budget_usd_per_day", None)
        budget = BudgetGuard(
            config.budget_usd, confirm=confirm_over_budget, daily_usd=daily, words=budget_words
        )
        return cls(
            policy=RetryPolicy(max_retries=config.max_retries),
            fallbacks=config.fallback_targets(),
            factory=factory,
            budget=budget,
            secrets=secrets,
            sleep=sleep,
            hints=hints,
        )

    # -- the step -----------------------------------------------------------------------------------

    async def __call__(self, agent: Agent, request: StepRequest) -> AsyncIterator[ProviderEvent]:
        state = _Send(request.message, len(agent.transcript.messages))
        if self.budget is not None:
            self._attach(agent, self.budget)
            await self.budget.gate(agent, request.turn_id)
        async for event in self._step(agent, request, state):
            yield event

    async def _step(self, agent: Agent, request: StepRequest, state: _Send) -> AsyncIterator[ProviderEvent]:
        provider = agent.provider
        tried = {target_label(provider)}
        targets = iter(self.fallbacks)
        first_error: FluxError | None = None
        while True:
            try:
                async for event in self._with_retries(agent, provider, request, state):
                    yield event
                return
            except _Exhausted as exhausted:
                error = exhausted.error
                if provider is agent.provider:
                    first_error = error
                else:
                    state.errors.append(f"{target_label(provider)}: {error}")
                    self._notice(agent, f"fallback {target_label(provider)} failed too: {error}", "warning")
                    await _close(provider)
            if not (isinstance(first_error, ProviderError) and first_error.retryable):
                raise _final(first_error, state, self.hints)
            provider = await self._next_fallback(agent, provider, targets, tried, error, state)
            if provider is None:
                raise _final(first_error, state, self.hints)

    async def _next_fallback(
        self,
        agent: Agent,
        failed: ChatProvider,
        targets: Any,
        tried: set[str],
        error: FluxError,
        state: _Send,
    ) -> ChatProvider | None:
        if self.factory is None:
            return None
        for name, model in targets:
            label = f"{name}:{model}" if model else name
            try:
                candidate = self.factory(name, model)
            except FluxError as exc:
                self._notice(agent, f"fallback {label} skipped: {exc}", "warning")
                state.errors.append(f"{label}: {exc}")
                log.warning("fallback %s could not be built: %s", label, exc)
                continue
            if target_label(candidate) in tried:
                await _close(candidate)
                continue
            tried.add(target_label(candidate))
            candidate.transcript = agent.transcript
            if failed is agent.provider:
                text = f"{failure_summary(error, failed.name)}; switching to {target_label(candidate)}"
            else:  # a fallback failed: its notice was given already
                text = f"trying the next fallback: {target_label(candidate)}"
            self._notice(agent, text, "warning")
            log.warning("failover %s -> %s: %s", target_label(failed), target_label(candidate), error)
            return candidate
        return None

    async def _with_retries(
        self, agent: Agent, provider: ChatProvider, request: StepRequest, state: _Send
    ) -> AsyncIterator[ProviderEvent]:
        """One provider, retried; raises ``_Exhausted`` when it never started answering."""
        policy = self.policy
        retry = 0
        while True:
            try:
                stream = provider.send_message(
                    state.pending_prompt(agent), request.system_prompt, request.tools
                )
                async with aclosing(stream):  # type: ignore[type-var]
                    async for event in stream:
                        if provider is not agent.provider:
                            await self._switch(agent, provider)
                        if event.get("type") in ANSWER_EVENTS:
                            state.answered = True
                        yield event
                return
            except FluxError as exc:
                if state.answered or _answer_stored(agent, state):
                    if exc.hint is None:
                        exc.hint = self.hints.midstream
                    log.error("%s failed mid-answer: %s", provider.name, exc)
                    raise
                retry += 1
                delay = policy.delay(retry, exc) if isinstance(exc, ProviderError) else None
                if delay is None:
                    log.error("%s failed: %s", target_label(provider), exc)
                    raise _Exhausted(exc) from exc
                text = retry_notice(exc, provider.name, delay, retry + 1, policy.attempts)
                self._notice(agent, text, "warning")
                log.warning("%s", text)
                await self.sleep(delay)

    # -- helpers ------------------------------------------------------------------------------------

    async def _switch(self, agent: Agent, provider: ChatProvider) -> None:
        previous = agent.provider
        agent.switch_provider(provider, reason="failover", during_turn=True)
        await _close(previous)

    def _notice(self, agent: Agent, text: str, level: Any) -> None:
        agent.emit(Notice(text=self.redactor.redact_text(text), level=level))

    def _attach(self, agent: Agent, guard: BudgetGuard) -> None:
        if agent not in self._attached:
            self._attached.add(agent)
            guard.attach(agent)


def _answer_stored(agent: Agent, state: _Send) -> bool:
    """The provider kept part of an answer (e.g. salvaged tool calls) without yielding it."""
    return any(m.role == "assistant" for m in agent.transcript.messages[state.start :])


def _final(error: FluxError | None, state: _Send, hints: Hints) -> FluxError:
    assert error is not None
    if error.hint is not None:
        return error
    if state.errors:
        error.hint = hints.fallbacks_failed.format(errors="; ".join(state.errors))
    elif isinstance(error, IncompleteStreamError):  # the agent's generic hint speaks of a partial text
        error.hint = hints.broke_off
    else:
        error.hint = hints.for_error(error)
    return error


async def _close(provider: ChatProvider) -> None:
    aclose = getattr(provider, "aclose", None)
    if aclose is None:
        return
    try:
        await aclose()
    except Exception:  # closing is housekeeping; never let it fail a turn
        log.debug("closing %s failed", getattr(provider, "name", provider), exc_info=True)
