"""The dialog shown when the session asked for is being recorded by another flux-tui process.

Two recorders on one session would splice their answers together, so this process does not write to
it: ``f`` forks it (a copy, recorded here from now on), ``r``/Escape keeps it read-only (a prompt sent
then goes on in a copy made at that moment, so nothing is lost either way).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

CSS: list[str | PurePath] = [
    Path(__file__).with_name("session_dialogs.tcss"),
    Path(__file__).with_name("session_busy.tcss"),
]


class SessionBusyScreen(ModalScreen[bool]):
    """Dismisses with True (fork it) or False (read-only)."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#busy-fork"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "fork", "Fork"),
        Binding("r,escape", "read_only", "Read-only"),
    ]

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
            with Horizontal(classes="dialog-buttons"):
                yield Button("Read-only [r]", id="busy-read-only")
                yield Button("Fork [f]", id="busy-fork", variant="primary")

    @on(Button.Pressed, "#busy-fork")
    def action_fork(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#busy-read-only")
    def action_read_only(self) -> None:
        self.dismiss(False)
