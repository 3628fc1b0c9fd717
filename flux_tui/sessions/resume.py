"""Which stored session ``flux-tui run --continue`` / ``--resume ID`` goes on in, and on what provider.

The TUI resumes the same way (``ui.launch``); here nothing is on screen, so a session that cannot be
found is an error rather than a notice.
"""

from __future__ import annotations

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
