"""For ``FluxApp``: retries/failover/budget wired into the agent, and the commands that drive them.

Nothing here is a widget; ``FluxApp`` calls these from a few places (see each function):

- ``make_stream_step(app)`` -> pass as ``Agent(..., stream_step=...)``; keep ``step.budget`` around;
- ``start_retry(app)`` / ``start_continue(app)`` for ``/retry`` and ``/continue``;
- ``budget_command(app, guard, arg)`` for ``/budget [USD|off]``;
- ``clean_prompt(app, text)`` before ``send_prompt`` (huge pastes, binary junk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flux_tui.core.budget import BudgetGuard, parse_budget
from flux_tui.core.errors import ConfigError
from flux_tui.core.failover import ReliableStep
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.protocols import ChatProvider
from flux_tui.core.retry import Resume, continue_last, retry_last, retry_plan
from flux_tui.core.sanitize import sanitize_prompt
from flux_tui.ui.screens.budget_confirm import budget_confirmer
from flux_tui.ui.turns import BUSY_MESSAGE

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp

NOTHING_TO_RETRY = "Nothing to retry: the last answer is complete. Send a new prompt instead."


def make_stream_step(app: FluxApp) -> ReliableStep:
    """The agent's ``StreamStep`` from the app's config: ``max_retries``, ``fallback``, ``budget_usd``.

    Fallbacks are built like a provider picked in the menu (``make_provider``: lazy, same transcript);
    one without a key or URL is skipped with a notice. Over budget, the confirm dialog opens.
    """

    def factory(name: str, model: str | None) -> ChatProvider:
        resolved = app.resolve(name, model)  # ConfigError for an unknown provider: skipped
        if resolved.missing:
            raise ConfigError(resolved.missing)
        return app.make_provider(resolved)

    return ReliableStep.from_config(
        app.config,
        factory=factory,
        confirm_over_budget=budget_confirmer(app),
        secrets=config_secrets(app.config),
    )


def _start(app: FluxApp, what: str) -> bool:
    if app.turn_running:
        app.conversation.notice(BUSY_MESSAGE, "warning")
        return False
    agent = app.agent
    if what == "retry":
        if retry_plan(agent.transcript, agent.unanswered) is Resume.NOTHING:
            app.conversation.notice(NOTHING_TO_RETRY, "warning")
            return False
        work = retry_last(agent)
    else:
        last = agent.transcript.messages[-1] if agent.transcript.messages else None
        if last is None or (last.role == "assistant" and not last.incomplete):
            app.conversation.notice("Nothing to continue: send a new prompt instead.", "warning")
            return False
        work = continue_last(agent)
    # The same group as the prompt worker: exclusive, and Esc (cancel_group "turn") stops it.
    app.run_worker(work, name=what, group="turn", exclusive=True, exit_on_error=False)
    return True


def start_retry(app: FluxApp) -> bool:
    """``/retry``: ask again for the answer that failed or was cut off (the prompt is not duplicated)."""
    return _start(app, "retry")


def start_continue(app: FluxApp) -> bool:
    """``/continue``: let the model go on from its partial answer, tool results or the step limit."""
    return _start(app, "continue")


def budget_command(app: FluxApp, guard: BudgetGuard | None, arg: str) -> None:
    """``/budget`` shows spend against the cap; ``/budget 5`` sets it, ``/budget off`` removes it."""
    if guard is None:
        app.conversation.notice("Budgets are not available in this session.", "warning")
        return
    if not arg.strip():
        app.conversation.notice(guard.summary())
        return
    try:
        usd = parse_budget(arg)
    except ValueError as exc:
        app.conversation.notice(str(exc), "warning")
        return
    app.conversation.notice(guard.set_budget(usd))
    app.budget = usd


def clean_prompt(app: FluxApp, text: str) -> str:
    """The prompt to send; what was removed or cut is said in the chat."""
    clean = sanitize_prompt(text)
    for note in clean.notes:
        app.conversation.notice(note, "warning")
    return clean.text
