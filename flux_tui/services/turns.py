"""The agent and its turns: one construction for the TUI and ``flux-tui run``, and the commands that
drive a turn (``/retry``, ``/continue``, ``/budget``) and clean a prompt before it is sent.

``build_agent`` wraps every model request in a ``ReliableStep``: retries, failover to the ``fallback``
providers of the config, and the budget gate. Whether a turn may start now (not while another one
streams) is the caller's to check; a command with nothing to do raises ``NothingToDo`` with the text
to show.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, NamedTuple

from flux_tui.core.agent import Agent
from flux_tui.core.budget import TUI_BUDGET_WORDS, BudgetGuard, BudgetWords, parse_budget
from flux_tui.core.failover import ProviderFactory, ReliableStep
from flux_tui.core.hints import TUI_HINTS, Hints
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.protocols import Approver, ChatProvider, EventSink, ToolRunner
from flux_tui.core.retry import Resume, continue_last, retry_last, retry_plan
from flux_tui.core.sanitize import sanitize_prompt
from flux_tui.core.secret_values import tool_result_redactor
from flux_tui.core.transcript import Transcript

NOTHING_TO_RETRY = "Nothing to retry: the last answer is complete. Send a new prompt instead."
NOTHING_TO_CONTINUE = "Nothing to continue: send a new prompt instead."
NO_BUDGETS = "Budgets are not available in this session."

DEFAULT_MAX_STEPS = 25


class NothingToDo(Exception):
    """``/retry`` or ``/continue`` with nothing to do; the message says so, for the user."""


class BudgetReply(NamedTuple):
    """What ``/budget`` says (``text`` at ``level``: "info" or "warning"); ``changed``: the budget
    was set to ``budget`` (None: removed), for the views that show it."""

    text: str
    level: str
    changed: bool = False
    budget: float | None = None


def build_agent(
    config: Any,
    provider: ChatProvider,
    *,
    tools: ToolRunner | None,
    approver: Approver | None,
    sinks: Iterable[EventSink],
    system_prompt: str | Callable[[], str] | None,
    fallback: ProviderFactory,
    confirm_over_budget: Callable[[float, float], Awaitable[bool]] | None,
    budget_words: BudgetWords = TUI_BUDGET_WORDS,
    hints: Hints = TUI_HINTS,
    spent_elsewhere_today: Callable[[], float] | None = None,
) -> Agent:
    """The agent for ``config``, its ``stream_step`` a ``ReliableStep`` from the config's
    ``max_retries``, ``fallback`` and budgets.

    ``fallback(name, model)`` builds a fallback provider (``ConfigError``: skipped with a notice);
    ``confirm_over_budget`` asks whether to spend past the budget (None: ask nobody, go on);
    ``budget_words`` and ``hints`` word what the user can do next where the agent runs;
    ``spent_elsewhere_today``: what the other sessions spent today, for ``budget_usd_per_day``.
    """
    step = ReliableStep.from_config(
        config,
        factory=fallback,
        confirm_over_budget=confirm_over_budget,
        budget_words=budget_words,
        hints=hints,
        secrets=config_secrets(config),
    )
    if step.budget is not None:
        step.budget.spent_elsewhere_today = spent_elsewhere_today
    max_steps = getattr(getattr(config, "tools", None), "max_steps", DEFAULT_MAX_STEPS)
    return Agent(
        provider,
        tools=tools,
        approver=approver,
        system_prompt=system_prompt,
        max_steps=int(max_steps or DEFAULT_MAX_STEPS),
        sinks=list(sinks),
        stream_step=step,
        redactor=tool_result_redactor(config),
        hints=hints,
    )


def reliable_step(agent: Agent) -> ReliableStep | None:
    """The agent's ``ReliableStep`` (None for an agent not built by ``build_agent``)."""
    step = agent.stream_step
    return step if isinstance(step, ReliableStep) else None


def budget_guard(agent: Agent) -> BudgetGuard | None:
    step = reliable_step(agent)
    return step.budget if step is not None else None


def continuable(transcript: Transcript | None) -> bool:
    """Whether the model can go on from where the conversation stopped: a partial answer, tool
    results or a prompt waiting for their answer (not a complete answer, not an empty conversation)."""
    messages = transcript.messages if transcript is not None else []
    if not messages:
        return False
    last = messages[-1]
    return not (last.role == "assistant" and not last.incomplete)


def clean_prompt(text: str) -> tuple[str, list[str]]:
    """The prompt to send (binary junk removed, a huge paste cut) and what was done to it, to say."""
    clean = sanitize_prompt(text)
    return clean.text, list(clean.notes)


class TurnRunner:
    """The turns of ``agent``: each ``*_work`` returns the coroutine the caller runs (as a worker, a
    task); cancelling it cancels the turn, which keeps its partial answer."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    @property
    def step(self) -> ReliableStep | None:
        return reliable_step(self.agent)

    @property
    def budget_guard(self) -> BudgetGuard | None:
        return budget_guard(self.agent)

    @property
    def unpriced_models(self) -> list[str]:
        """ "provider:model" of this session's unpriced replies, which no budget counts."""
        guard = self.budget_guard
        return list(guard.ledger.unpriced_models) if guard is not None else []

    def prompt_work(self, prompt: str | None) -> Coroutine[Any, Any, str]:
        """A turn for ``prompt`` (None: go on from where the conversation stopped); ends with the
        turn's stop reason."""
        return self.agent.run_turn(prompt)

    def retry_work(self) -> Coroutine[Any, Any, str]:
        """``/retry``: ask again for the answer that failed or was cut off (the prompt is not
        duplicated). ``NothingToDo`` when the last answer is complete."""
        agent = self.agent
        if retry_plan(agent.transcript, agent.unanswered) is Resume.NOTHING:
            raise NothingToDo(NOTHING_TO_RETRY)
        return retry_last(agent)

    def continue_work(self) -> Coroutine[Any, Any, str]:
        """``/continue``: let the model go on from its partial answer, tool results or the step limit.
        ``NothingToDo`` when the last answer is complete (or there is none)."""
        if not continuable(self.agent.transcript):
            raise NothingToDo(NOTHING_TO_CONTINUE)
        return continue_last(self.agent)

    def budget(self, arg: str) -> BudgetReply:
        """``/budget`` shows spend against the cap; ``/budget 5`` sets it, ``/budget off`` removes it."""
        guard = self.budget_guard
        if guard is None:
            return BudgetReply(NO_BUDGETS, "warning")
        if not arg.strip():
            return BudgetReply(guard.summary(), "info")
        try:
            usd = parse_budget(arg)
        except ValueError as exc:
            return BudgetReply(str(exc), "warning")
        text = guard.set_budget(usd, current=self.agent.provider)
        return BudgetReply(text, "info", changed=True, budget=usd)

    @staticmethod
    def clean(text: str) -> tuple[str, list[str]]:
        """See ``clean_prompt``."""
        return clean_prompt(text)
