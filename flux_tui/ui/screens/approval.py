"""The dialog that asks before a tool changes something: shows the diff (or the command) and decides.

``y`` approves once, ``ctrl+a`` approves the tool for the rest of the session (never a plain key: it is
the answer that costs most if typed by mistake), ``n`` moves to the reason box where every key is text
and Enter denies (the reason goes back to the model), Escape denies at once (with the reason typed so
far, if any). Keys typed ahead or in a burst answer nothing (see :mod:`flux_tui.ui.screens.key_guard`).
Push it with ``app.push_screen(ApprovalScreen(request), callback)`` or ``await app.push_screen_wait(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.core.redact import Redactor
from flux_tui.ui import format as fmt
from flux_tui.ui.screens.key_guard import KeyGuardedScreen
from flux_tui.ui.theme_colors import code_theme
from flux_tui.ui.widgets.key_scroll import KeyScroll

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme

CHROME_ROWS = 15  # dialog rows that are not the preview: borders, title, target, reason box, keys, buttons
PREVIEW_LIMIT = 200_000  # characters; a gigantic write is cut so the dialog still opens at once


def describe_request(request: ApprovalRequest, redactor: Redactor) -> str:
    """One line saying what the call touches: the file path or the command."""
    data = request.input
    for key in ("path", "command", "pattern"):
        value = data.get(key)
        if isinstance(value, str) and value:
            value = redactor.redact_text(value)
            return f"$ {value}" if key == "command" else value
    return ""


def preview_renderable(
    request: ApprovalRequest, redactor: Redactor, theme: SyntaxTheme | str = "ansi_dark"
) -> RenderableType:
    """The diff of the change, the command preview, or the arguments when the tool gave no preview
    (``theme``: the app's syntax theme, ``theme_colors.code_theme``)."""
    if request.preview:
        text = redactor.redact_text(fmt.truncate(request.preview, PREVIEW_LIMIT))
        return fmt.diff_syntax(text, theme) if fmt.looks_like_diff(text) else Text(text)
    command = request.input.get("command")
    if isinstance(command, str):
        return Text(f"$ {redactor.redact_text(command)}")
    return fmt.json_syntax(redactor.redact(request.input), theme)


class ApprovalScreen(KeyGuardedScreen[ApprovalDecision]):
    """Modal approval of one tool call; dismisses with an :class:`ApprovalDecision`."""

    CSS_PATH = "approval.tcss"
    AUTO_FOCUS = "#approval-preview"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "approve", "Approve once"),
        Binding("ctrl+a", "approve_session", "Approve for session"),
        Binding("escape", "deny", "Deny", show=False),
    ]
    KEY_HINTS = "n: type a reason, Enter denies with it · esc: deny at once"

    def __init__(
        self,
        request: ApprovalRequest,
        *,
        redactor: Redactor | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        """``redactor`` hides API keys in the preview (screenshots, screen sharing); the default knows the
        usual key shapes."""
        super().__init__(name=name, id=id)
        self.request = request
        self.redactor = redactor if redactor is not None else Redactor()
        self._decided = False

    def compose(self) -> ComposeResult:
        request = self.request
        is_command = "command" in request.input
        with Vertical(id="approval-dialog"):
            title = Text.assemble(
                ("Run " if is_command else "Allow ", "bold"),
                (request.tool_name, "bold reverse"),
                ("?", "bold"),
            )
            yield Label(title, id="approval-title")
            target = describe_request(request, self.redactor)
            if target:
                yield Label(Text(target, style="bold"), id="approval-target")
            if request.reason:  # why a tool that runs without asking asks this time
                yield Label(Text(f"⚠ {request.reason}", style="bold yellow"), id="approval-reason-note")
            with KeyScroll(id="approval-preview"):
                preview = preview_renderable(request, self.redactor, code_theme(self.app))
                yield Static(preview, id="approval-preview-body")
            yield Input(
                placeholder="Reason for denying (optional, sent to the model) — Enter denies",
                id="approval-reason",
            )
            yield self.key_hints()
            with Horizontal(id="approval-buttons"):
                # Content(...) keeps "[y]" literal instead of reading it as markup.
                yield Button(Content("Approve once [y]"), id="approve", variant="success")
                yield Button(Content("Approve for session [ctrl+a]"), id="approve-session", variant="primary")
                yield Button(Content("Deny [n]"), id="deny", variant="error")

    def on_resize(self, event: events.Resize) -> None:
        # Give the diff what the screen can spare once title, reason box and buttons are placed, so the
        # buttons stay visible on small terminals. (A ``vh`` max-height inside the auto-height dialog
        # makes Textual size the dialog by the unclamped diff, hence the computation here.)
        height = event.size.height
        preview = self.query_one("#approval-preview")
        chrome = CHROME_ROWS + (1 if self.request.reason else 0)
        preview.styles.max_height = max(3, min(height - chrome, height * 2 // 3))

    # ------------------------------------------------------------------ keys

    def text_box_takes(self, event: events.Key) -> bool:
        reason = self.query_one("#approval-reason", Input)
        if self.focused is not reason:
            return False
        if event.is_printable and event.character is not None:
            # A key sent on its way before ``n`` moved the focus reaches the screen, not the box: it is
            # text all the same (a reason typed at once must not hit the shortcuts, nor lose letters).
            event.stop()
            event.prevent_default()
            reason.insert_text_at_cursor(event.character)
        return True

    def key_passed(self, event: events.Key) -> None:
        if event.key == "n":
            # At once, not through the binding: the keys typed right after ``n`` already in the queue
            # then find the reason box focused.
            event.stop()
            event.prevent_default()
            self.action_deny_with_reason()

    # ------------------------------------------------------------------ decisions

    def _decide(self, decision: ApprovalDecision) -> None:
        # Two quick key presses must not dismiss twice (the second would pop the screen underneath).
        if self._decided:
            return
        self._decided = True
        self.dismiss(decision)

    def _reason(self) -> str | None:
        reason = self.query_one("#approval-reason", Input).value.strip()
        return reason or None

    def action_approve(self) -> None:
        self._decide(ApprovalDecision("approved"))

    def action_approve_session(self) -> None:
        self._decide(ApprovalDecision("approved_session"))

    def action_deny_with_reason(self) -> None:
        self.set_focus(self.query_one("#approval-reason", Input))

    def action_deny(self) -> None:
        """Escape: deny at once, with the reason typed so far if there is one (typing is never lost)."""
        self._decide(ApprovalDecision("denied", self._reason()))

    @on(Input.Changed, "#approval-reason")
    def _reason_typed(self) -> None:
        # The box consumes its keys before the guard sees them: typing a reason is typing all the same,
        # so a shortcut right after it (Tab to a button, then y) waits like any other burst.
        self.note_typing()

    @on(Input.Submitted, "#approval-reason")
    def _reason_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._decide(ApprovalDecision("denied", self._reason()))

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if self.too_soon_to_click():
            return
        if event.button.id == "approve":
            self.action_approve()
        elif event.button.id == "approve-session":
            self.action_approve_session()
        elif event.button.id == "deny":
            self._decide(ApprovalDecision("denied", self._reason()))
