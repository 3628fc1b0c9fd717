"""Putting a stored session on screen: chat, inspector, sidebar, budget, provider menus; and the live
conversation again after a replay.

Used by ``SessionActions`` for resume, fork and the end of a replay; no store access here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.wording import counted
from flux_tui.services.providers import record_switch
from flux_tui.sessions import LoadedSession

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp


def show_session(
    app: FluxApp, loaded: LoadedSession, *, chosen: tuple[str | None, str | None] = (None, None)
) -> None:
    """Make ``loaded`` the conversation: chat, inspector, sidebar and budget as it was, its history for
    the model, and its last provider and model when they are ready here.

    ``chosen``: the provider and model the command line asked for. A provider given there is the app's
    current one already and stays; a model alone applies to the session's provider. Either way the
    change from where the session stopped is recorded as a switch, as ``/provider`` records it.
    """
    budget = app.turns.budget_guard
    if budget is not None:
        budget.reset()  # the guard counts the resumed session's spend, not the previous one's
    app.resume(loaded.events, loaded.transcript, copied_at=loaded.meta.copied_at)
    provider, model = chosen
    note = None if provider else restore_provider(app, loaded.provider, model or loaded.model)
    if provider or model:
        _record_switch(app, loaded)
    sync_provider_display(app)
    info = loaded.meta
    text = (
        f"Resumed “{info.display_title}” ({counted(info.turns, 'turn')}, {info.cost_label}). "
        "Go on here, on any provider (/provider, /model)."
    )
    if loaded.repaired:
        text += " The app had stopped mid-turn: what was saved is kept, marked incomplete."
    app.conversation.notice(text)
    if note:
        app.conversation.notice(note, "warning")


def show_events(app: FluxApp, events: Sequence[AgentEvent]) -> None:
    """Show the live conversation's stored ``events`` again after a replay; the history for the model
    and the budget were never touched by the replay, so only the widgets are refilled."""
    app.conversation.clear()
    app.load_events(events)
    sync_provider_display(app)
    if events:
        return
    if app.transcript.messages:
        app.conversation.notice("Replay closed. The conversation before it is kept: see /history.")
    else:
        app.conversation.notice("Replay closed. Type a prompt to start a new session; ctrl+o lists sessions.")


def restore_provider(app: FluxApp, name: str | None, model: str | None) -> str | None:
    """Put the session's last provider and model back when they are configured and ready (a new
    provider is warmed up); otherwise stay on the current one and return why."""
    before = app.agent.provider
    note = app.provider_service.restore(app.agent, name, model)
    if app.agent.provider is not before and app.replay is None:
        app.warm_up()
    return note


def _record_switch(app: FluxApp, loaded: LoadedSession) -> None:
    record_switch(app.agent, loaded.provider, loaded.model)


def sync_provider_display(app: FluxApp) -> None:
    """The app's state names the provider the next prompt will go to."""
    app.show_current_provider()
