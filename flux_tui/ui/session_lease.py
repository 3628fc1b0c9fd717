"""When the session asked for is being recorded by another flux-tui process (its lease is held).

The app does not write to it (two recorders would splice their answers together): the user is told,
and the ``SessionBusyScreen`` offers a fork (a copy recorded here from now on) or read-only. Read-only
loses nothing either: the recorder makes a copy of the conversation as it is on screen when the first
new event arrives, and goes on in that copy.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from flux_tui.sessions import LoadedSession, SessionError
from flux_tui.sessions.lease import SessionBusyError

if TYPE_CHECKING:
    from flux_tui.ui.session_wiring import SessionWiring

READ_ONLY = (
    "Read-only: nothing is written to session {id} while another flux-tui records it. A prompt sent "
    "here goes on in a new session, a copy of it."
)


def offer_fork(wiring: SessionWiring, loaded: LoadedSession, busy: SessionBusyError) -> None:
    """Say so in the chat, and ask: fork or read-only."""
    from flux_tui.ui.screens.session_busy import SessionBusyScreen

    app = wiring.app
    if app is None:
        return
    app.conversation.notice(f"{busy}.", "warning")

    def chosen(fork: bool | None) -> None:
        if fork:
            app.run_worker(fork_copy(wiring, loaded), group="sessions", exit_on_error=False)
        else:
            app.conversation.notice(READ_ONLY.format(id=loaded.id))

    screen = SessionBusyScreen(loaded.meta.display_title, loaded.id, busy.holder.describe())
    app.push_screen(screen, callback=chosen)


async def fork_copy(wiring: SessionWiring, loaded: LoadedSession) -> None:
    """Fork: a copy of ``loaded`` as it is on screen, recorded from now on."""
    store, app = wiring.store, wiring.app
    if store is None or app is None or wiring.sink is None:
        return
    try:
        new_id = await asyncio.to_thread(store.copy, loaded)
        wiring.sink.switch(new_id)
    except SessionError as exc:
        app.notify(f"Could not fork: {exc}", severity="error", markup=False)
        return
    app.conversation.notice(f"Forked into a new session {new_id}: go on here.")


def copy_on_write(wiring: SessionWiring, loaded: LoadedSession) -> str:
    """The session a read-only conversation goes on in, made when its first new event is recorded."""
    if wiring.store is None:
        raise SessionError("the session store is not open")
    new_id = wiring.store.copy(loaded)
    wiring.tell(f"This conversation goes on in a new session {new_id}, a copy of {loaded.id}.")
    return new_id
