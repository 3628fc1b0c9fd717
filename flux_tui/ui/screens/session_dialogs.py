"""Small dialogs of the sessions screen: confirm a delete, pick the turn to fork from, export to a file.

Session titles and prompts go in as ``Content`` (literal): Textual reads a plain str as markup. So do the
button labels, whose "[y]" would otherwise be read as a tag and vanish.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from flux_tui.core.attachments import prompt_as_typed
from flux_tui.core.terminal_text import terminal_safe
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.ui.screens.key_guard import GuardedChoiceScreen, KeyGuardedScreen

CSS = Path(__file__).with_name("session_dialogs.tcss")
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("Markdown (.md)", "md"),
    ("JSONL (.jsonl, re-importable)", "jsonl"),
)


class ConfirmDeleteScreen(GuardedChoiceScreen):
    """Ask "delete this session?": ``y`` deletes, ``n``/Escape keeps it (and has the focus). A ``y``
    typed with the Delete that opened it, or ahead of it, deletes nothing (see ``key_guard``)."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#delete-no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "delete", "Delete"),
        Binding("n,escape", "keep", "Keep"),
    ]
    KEY_HINTS = "y: delete · n or esc: keep it"
    BUTTON_ANSWERS: ClassVar[dict[str, bool]] = {"delete-yes": True, "delete-no": False}

    def __init__(self, title: str, session_id: str) -> None:
        super().__init__()
        self.session_title = title
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -danger"):
            yield Label("Delete this session?", classes="dialog-title")
            yield Static(
                Content(
                    f"“{self.session_title}” ({self.session_id}) and all its events will be removed for good."
                ),
                classes="dialog-text",
            )
            yield self.key_hints()
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Delete [y]"), id="delete-yes", variant="error")
                yield Button(Content("Keep [n]"), id="delete-no", variant="primary")

    def action_delete(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)


def prompts_of(transcript: Transcript) -> list[tuple[str, str]]:
    """(user message id, prompt text) of every prompt, in order: the turns a fork can start from (drawn
    as text only: a stored session's prompts may be anyone's, see ``screen_text``)."""
    return [
        (message.id, terminal_safe(prompt_as_typed(message.text)))
        for message in transcript.messages
        if message.role == "user" and any(isinstance(b, TextBlock) for b in message.blocks)
    ]


class ForkScreen(KeyGuardedScreen[str | None]):
    """Pick a prompt: the fork keeps the history up to that prompt's answer. Dismisses with its id.
    An Enter typed with the ctrl+f that opened it forks nothing (see ``key_guard``)."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#fork-turns"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    KEY_HINTS = "Enter forks from the highlighted turn · Esc cancels"

    def __init__(self, title: str, prompts: list[tuple[str, str]]) -> None:
        super().__init__()
        self.session_title = title
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Continue from here", classes="dialog-title")
            yield Static(
                Content(
                    f"Pick a turn of “{self.session_title}”: a new session starts with the history up to "
                    "its answer, and you go on from there (on any provider)."
                ),
                classes="dialog-text",
            )
            options = [
                Option(Content(f"{number}. {_one_line(text)}"), id=message_id)
                for number, (message_id, text) in enumerate(self.prompts, start=1)
            ]
            yield OptionList(*options, id="fork-turns")
            yield self.key_hints()

    def on_mount(self) -> None:
        turns = self.query_one(OptionList)
        if self.prompts:
            turns.highlighted = len(self.prompts) - 1

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if not self.too_soon_to_click():
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportScreen(ModalScreen[tuple[str, str] | None]):
    """Choose the format and the file; dismisses with ``(format, path)``. The path may be relative to
    the exports folder (where the default paths are, said in the dialog); switching the format
    switches the path's extension."""

    CSS_PATH = CSS
    AUTO_FOCUS = "#export-path"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, paths: dict[str, Path], fmt: str = "md") -> None:
        super().__init__()
        self.session_title = title
        self.paths = paths  # the default file per format
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export session", classes="dialog-title")
            yield Static(Content(f"“{self.session_title}”"), classes="dialog-text")
            yield Static(
                Content(f"A file name alone goes to {self.paths[self.fmt].parent}"),
                classes="dialog-text",
                id="export-folder",
            )
            yield Select(EXPORT_FORMATS, value=self.fmt, allow_blank=False, id="export-format")
            yield Input(str(self.paths[self.fmt]), id="export-path", placeholder="file to write")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Export [enter]"), id="export-go", variant="primary")
                yield Button(Content("Cancel [esc]"), id="export-cancel")

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if not isinstance(event.value, str) or event.value == self.fmt:
            return
        path_input = self.query_one("#export-path", Input)
        current = path_input.value.strip()
        old_default, new_default = str(self.paths[self.fmt]), str(self.paths[event.value])
        if current == old_default:
            path_input.value = new_default
        elif current.endswith(f".{self.fmt}"):
            path_input.value = current[: -len(self.fmt)] + event.value
        self.fmt = event.value

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify("Type the file to write.", severity="warning")
            return
        self.dismiss((self.fmt, path))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _one_line(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
