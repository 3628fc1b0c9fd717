"""When the session asked for is being recorded by another flux-tui process: the notice, and the
dialog that offers a fork or read-only (``offer_fork``).

Two recorders on one session would splice their answers together, so this process does not write to
it: ``f`` forks it (a copy, recorded here from now on), ``r``/Escape keeps it read-only (a prompt sent
then goes on in a copy made at that moment, by the session service, so nothing is lost either way).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from flux_tui.sessions import LoadedSession, SessionError
from flux_tui.sessions.lease import SessionBusyError
from flux_tui.ui.screens.key_guard import GuardedChoiceScreen

if TYPE_CHECKING:
    from flux_tui.ui.session_actions import SessionActions

CSS: list[str | PurePath] = [
    Path(__file__).with_name("session_dialogs.tcss"),
    Path(__file__).with_name("session_busy.tcss"),
]
READ_ONLY = (
    "Read-only: nothing is written to session {id} while another flux-tui records it. A prompt sent "
    "here goes on in a new session, a copy of it."
)


def offer_fork(actions: SessionActions, loaded: LoadedSession, busy: SessionBusyError) -> None:
    """Say so in the chat, and ask: fork or read-only."""
    app = actions.app
    if app is None:
        return
    app.conversation.notice(f"{busy}.", "warning")

    def chosen(fork: bool | None) -> None:
        if fork:
            app.run_worker(_fork_copy(actions, loaded), group="sessions", exit_on_error=False)
        else:
            app.conversation.notice(READ_ONLY.format(id=loaded.id))

    screen = SessionBusyScreen(loaded.meta.display_title, loaded.id, busy.holder.describe())
    app.push_screen(screen, callback=chosen)


async def _fork_copy(actions: SessionActions, loaded: LoadedSession) -> None:
    """Fork: a copy of ``loaded`` as it is on screen, recorded from now on."""
    app = actions.app
    if app is None:
        return
    try:
        new_id = await actions.service.fork_copy(loaded)
    except SessionError as exc:
        app.notify(f"Could not fork: {exc}", severity="error", markup=False)
        return
    app.conversation.notice(f"Forked into a new session {new_id}: go on here.")


class SessionBusyScreen(GuardedChoiceScreen):
    """Dismisses with True (fork it) or False (read-only)."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#busy-fork"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "fork", "Fork"),
        Binding("r,escape", "read_only", "Read-only"),
    ]
    KEY_HINTS = "f: fork · r or esc: read-only"
    BUTTON_ANSWERS: ClassVar[dict[str, bool]] = {"busy-fork": True, "busy-read-only": False}

    def __init__(self, title: str, session_id: str, holder: str) -> None:
        super().__init__()
        self.session_title = title
        self.session_id = session_id
        self.holder = holder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("This session is open elsewhere", classes="dialog-title")
            yield Static(
                f"“{self.session_title}” ({self.session_id}) is being recorded by {self.holder}. "
                "Two recorders would splice their answers together, so this one does not write to it.\n\n"
                "Fork: go on in a copy of it, recorded here.\n"
                "Read-only: look through it; a prompt sent here goes on in a copy made then.",
                classes="dialog-text",
                markup=False,
            )
            yield self.key_hints()
            with Horizontal(classes="dialog-buttons"):
                # Content(...) keeps "[r]" literal instead of reading it as markup.
                yield Button(Content("Read-only [r]"), id="busy-read-only")
                yield Button(Content("Fork [f]"), id="busy-fork", variant="primary")

    def action_fork(self) -> None:
        self.dismiss(True)

    def action_read_only(self) -> None:
        self.dismiss(False)
