"""Retrying a model request: the backoff policy, what the user is told, and ``/retry`` / ``/continue``.

Automatic retries happen only while nothing of the answer has reached the user (see
``failover.ReliableStep``, which drives them). Once part of an answer was shown, a failure ends the
turn: the provider keeps the partial answer in the transcript, marked ``incomplete``, and the
``TurnFailed`` hint offers the two commands implemented here:

- ``retry_last(agent)``: drop the partial answer and ask again from the same prompt (the prompt is
  already in the history, so the turn is run with ``run_turn(None)``: it is never sent twice); a
  prompt that got no answer at all is out of the history (``Agent.unanswered``): it is sent again;
- ``continue_last(agent)``: keep the partial answer and let the model go on from there (Anthropic
  takes it as a prefill; OpenAI sees its own unfinished message).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from flux_tui.core.agent_events import MessageCommitted
from flux_tui.core.errors import (
    IncompleteStreamError,
    OverloadedError,
    ProviderConnectionError,
    ProviderError,
    RateLimitError,
)
from flux_tui.core.protocols import ChatProvider
from flux_tui.core.transcript import Message, TextBlock, Transcript

if TYPE_CHECKING:
    from flux_tui.core.agent import Agent

MIDSTREAM_HINT = (
    "The partial answer is kept (marked incomplete). /retry asks again from your prompt; "
    "/continue lets the model go on from where it stopped."
)

# Provider events that are part of the answer the user sees; after one of them a retry would show
# the answer twice, so failures from then on are not retried automatically.
ANSWER_EVENTS = frozenset({"text", "thinking", "tool_use"})


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring the server's ``retry-after``.

    ``max_retries`` is the number of retries after the first attempt (config ``max_retries``).
    """

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    # A server asking for a longer wait is not waited for: the caller fails over or gives up.
    max_retry_after: float = 120.0
    min_delay: float = 0.05
    rng: Callable[[], float] = field(default=random.random, repr=False)

    @property
    def attempts(self) -> int:
        return self.max_retries + 1

    def delay(self, retry: int, error: ProviderError) -> float | None:
        """Seconds to wait before retry number ``retry`` (1-based); None: do not retry."""
        if retry > self.max_retries or not error.retryable:
            return None
        if error.retry_after is not None:
            return None if error.retry_after > self.max_retry_after else max(0.0, error.retry_after)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return max(self.min_delay, self.rng() * ceiling)


def format_seconds(seconds: float) -> str:
    """``2 s``, ``0.4 s``, ``12 s``: what a person reads at a glance."""
    if seconds >= 9.5:
        return f"{round(seconds)} s"
    text = f"{seconds:.1f}".removesuffix(".0")
    return f"{text} s"


def failure_summary(error: BaseException, provider: str) -> str:
    """A short phrase for a retryable failure: "rate limited by anthropic", "openai is overloaded"."""
    status = getattr(error, "status_code", None)
    if isinstance(error, RateLimitError):
        return f"rate limited by {provider}"
    if isinstance(error, OverloadedError):
        if status is not None and status not in (529,):
            return f"{provider} answered with a server error ({status})"
        return f"{provider} is overloaded"
    if isinstance(error, ProviderConnectionError):
        # The provider's own words already say it: "cannot reach X at URL: ...", "no answer from X ...".
        return getattr(error, "message", None) or f"cannot reach {provider}"
    if isinstance(error, IncompleteStreamError):
        return f"the answer from {provider} broke off before it started"
    return f"{provider} failed ({getattr(error, 'message', str(error))})"


def retry_notice(error: BaseException, provider: str, delay: float, attempt: int, attempts: int) -> str:
    """ "rate limited by anthropic, retrying in 2 s (attempt 2 of 5)"; ``attempt`` is the next one."""
    return (
        f"{failure_summary(error, provider)}, retrying in {format_seconds(delay)} "
        f"(attempt {attempt} of {attempts})"
    )


def target_label(provider: ChatProvider) -> str:
    return f"{provider.name}:{provider.model}"


# -- /retry and /continue ----------------------------------------------------------------------------


class Resume(Enum):
    """What ``/retry`` would do with the conversation as it stands."""

    NOTHING = "nothing"  # empty, or the last answer is complete
    RESEND_PROMPT = "resend_prompt"  # the last prompt got no answer and is out of the history: send it
    DROP_PARTIAL = "drop_partial"  # an incomplete answer ends the history: drop it, ask again
    RESEND = "resend"  # the history ends with the prompt or tool results: just ask again


def _last_prompt_index(transcript: Transcript) -> int | None:
    for index in range(len(transcript.messages) - 1, -1, -1):
        message = transcript.messages[index]
        if message.role == "user" and any(isinstance(b, TextBlock) for b in message.blocks):
            return index
    return None


def retry_plan(transcript: Transcript, unanswered: str | None = None) -> Resume:
    """What ``/retry`` does; ``unanswered`` is the agent's prompt that got no answer, if any."""
    if unanswered is not None:
        return Resume.RESEND_PROMPT
    if not transcript.messages or _last_prompt_index(transcript) is None:
        return Resume.NOTHING
    last = transcript.messages[-1]
    if last.role == "user":
        return Resume.RESEND
    if last.incomplete and not last.tool_calls:
        return Resume.DROP_PARTIAL
    return Resume.NOTHING


def _check_idle(agent: Agent) -> None:
    if agent.running:
        raise RuntimeError("a turn is running: wait for it, or cancel it first")


async def retry_last(agent: Agent) -> str:
    """``/retry``: ask again for the answer that failed or was cut off; returns the stop reason.

    A trailing incomplete answer is removed from the history first; the session store is told by
    announcing that message again (same id) with no content, which every provider skips. The prompt
    stays where it is, once; a prompt that got no answer is sent again as a new turn. Raises
    ``ValueError`` when there is nothing to retry.
    """
    _check_idle(agent)
    unanswered = agent.unanswered
    plan = retry_plan(agent.transcript, unanswered)
    if plan is Resume.NOTHING:
        raise ValueError("nothing to retry: the last answer is complete. Send a new prompt instead.")
    if plan is Resume.RESEND_PROMPT:
        return await agent.run_turn(unanswered)
    if plan is Resume.DROP_PARTIAL:
        dropped = agent.transcript.messages.pop()
        agent.emit(MessageCommitted(message=_tombstone(dropped).to_dict()))
    return await agent.run_turn(None)


async def continue_last(agent: Agent) -> str:
    """``/continue``: let the model go on from where it stopped (partial answer, tool results, the
    step limit); returns the stop reason. Raises ``ValueError`` when the last answer is complete."""
    _check_idle(agent)
    messages = agent.transcript.messages
    if not messages:
        raise ValueError("nothing to continue: the conversation is empty")
    last = messages[-1]
    if last.role == "assistant" and not last.incomplete:
        raise ValueError("nothing to continue: the last answer is complete. Send a new prompt instead.")
    return await agent.run_turn(None)


def _tombstone(message: Message) -> Message:
    return Message(
        role=message.role,
        blocks=[],
        provider=message.provider,
        model=message.model,
        stop_reason=message.stop_reason,
        incomplete=True,
        id=message.id,
        created_at=message.created_at,
    )
