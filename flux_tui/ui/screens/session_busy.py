"""The dialog shown when the session asked for is being recorded by another flux-tui process.

Two recorders on one session would splice their answers together, so this process does not write to
it: ``f`` forks it (a copy, recorded here from now on), ``r``/Escape keeps it read-only (a prompt sent
then goes on in a copy made at that moment, so nothing is lost either way).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from flux_tui.ui.screens.key_guard import GuardedChoiceScreen

CSS: list[str | PurePath] = [
    Path(__file__).with_name("session_dialogs.tcss"),
    Path(__file__).with_name("session_busy.tcss"),
]


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
