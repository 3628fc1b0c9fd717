"""Which stored session ``flux-tui run --continue`` / ``--resume ID`` goes on in, and on what provider.

The TUI resumes the same way (``ui.launch``); here nothing is on screen, so a session that cannot be
found is an error rather than a notice.
"""

from __future__ import annotations

from typing import Any

from .models import LoadedSession, SessionNotFoundError
from .store import SessionStore

NO_SESSION_TO_CONTINUE = "no saved session to continue (see `flux-tui sessions list`)"


def load_for_run(store: SessionStore, resume: str | None, *, latest: bool) -> LoadedSession | None:
    """The session ``--resume ID`` (an id or a unique prefix) or ``--continue`` (the latest) names;
    None when neither was given. Raises ``SessionError`` with a message for the user."""
    if resume:
        session_id = store.resolve_id(resume)
    elif latest:
        found = store.latest_session_id()
        if found is None:
            raise SessionNotFoundError(NO_SESSION_TO_CONTINUE)
        session_id = found
    else:
        return None
    return store.load(session_id, split_deltas=False)


def headless_target(
    loaded: LoadedSession | None, provider: str | None, model: str | None
) -> tuple[str, str | None] | None:
    """The (provider, model) a resumed run talks to: what the command line says wins (a switch, as
    ``/provider`` makes), else where the session stopped; None: the configured provider."""
    if provider:
        return provider, model
    if loaded is None or loaded.provider is None:
        return None
    return loaded.provider, model or loaded.model


def provider_gone_note(name: str, current: str, missing: str | None = None) -> str:
    """What the TUI and ``run`` say when a resumed session's last provider cannot be used here."""
    if missing:
        return f"The session last ran on {name} ({missing}): going on with {current}."
    return f"The session last ran on {name}, which is not configured here: going on with {current}."


def usable_target(
    config: Any, target: tuple[str, str | None] | None, loaded: LoadedSession | None, model: str | None
) -> tuple[tuple[str, str | None] | None, str | None]:
    """``target`` when it is the session's last provider and that one cannot be used here (an uninstalled
    plug-in, no key), the configured provider instead, as the TUI goes on; and the note saying so."""
    from flux_tui.core.errors import ConfigError

    if target is None or loaded is None or target[0] != loaded.provider:
        return target, None
    try:
        missing = config.provider_settings(*target).missing
    except ConfigError:
        missing = None
    else:
        if not missing:
            return target, None
    note = provider_gone_note(target[0], config.provider, missing)
    return ((config.provider, model) if model else None), note
