"""The dialog that asks before a tool changes something: shows the diff (or the command) and decides.

``y`` approves once, ``ctrl+a`` approves the tool for the rest of the session (never a plain key: it is
the answer that costs most if typed by mistake), ``n`` moves to the reason box where every key is text
and Enter denies (the reason goes back to the model), Escape denies at once (with the reason typed so
far, if any). Keys typed ahead or in a burst answer nothing (see :mod:`flux_tui.ui.screens.key_guard`).
Push it with ``app.push_screen(ApprovalScreen(request), callback)`` or ``await app.push_screen_wait(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
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
from flux_tui.ui.key_order import run_own_binding
from flux_tui.ui.screen_text import drawable
from flux_tui.ui.screens.key_guard import KeyGuardedScreen
from flux_tui.ui.theme_colors import code_theme
from flux_tui.ui.widgets.key_scroll import KeyScroll

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme

# Dialog rows that are never the preview: border 2, title 1, preview margin 1, reason box 1 + 3,
# buttons 1 + 3. The target, the notes and the key hints add theirs (see ``_chrome_rows``).
FIXED_ROWS = 12
BUTTON_LABELS = ("Approve once [y]", "Approve for session [ctrl+a]", "Deny [n]")
SHORT_LABELS = ("Once [y]", "Session [ctrl+a]", "Deny [n]")  # when the long ones do not fit in a row
BUTTONS_WIDTH = sum(len(label) + 2 for label in BUTTON_LABELS) + 3  # each label, its sides, the gaps
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


def session_scope(request: ApprovalRequest) -> str:
    """What "approve for the session" covers, in words for the dialog."""
    covers = request.session_scope or f"every {request.tool_name} call"
    return f"ctrl+a approves {covers}, for the session"


def _rows(text: str, width: int) -> int:
    """Rows ``text`` takes once wrapped at ``width`` cells."""
    width = max(1, width)
    return sum(max(1, -(-cell_len(line) // width)) for line in text.splitlines() or [""])


def _inner_width(screen_width: int) -> int:
    """The dialog's content width (approval.tcss: 90% of the screen up to 120, less border and padding)."""
    return min(screen_width * 9 // 10, 120) - 4


def _labels(inner: int) -> tuple[str, str, str]:
    """The button labels: the short ones when the long ones do not fit in one row."""
    return BUTTON_LABELS if inner >= BUTTONS_WIDTH else SHORT_LABELS


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
    KEY_HINTS = "n: type a reason, Enter denies · esc: deny at once"

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
        self.request = drawable(request)  # a diff or a command from the model, drawn as text only
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
            target = self._target()
            if target:  # one row, cut with an ellipsis: the buttons must keep their place
                yield Label(Text(target, style="bold"), id="approval-target")
            if request.reason:  # why a tool that runs without asking asks this time
                yield Label(Text(f"⚠ {request.reason}", style="bold yellow"), id="approval-reason-note")
            with KeyScroll(id="approval-preview"):
                preview = preview_renderable(request, self.redactor, code_theme(self.app))
                yield Static(preview, id="approval-preview-body")
            # Selecting its text as the focus arrives would make the next key of a reason typed at
            # once (after ``n``) replace what was typed before it.
            yield Input(
                placeholder="Why deny? (optional, sent to the model) — Enter denies",
                id="approval-reason",
                select_on_focus=False,
            )
            yield Static(Content(session_scope(request)), id="approval-scope")
            yield self.key_hints()
            labels = _labels(_inner_width(self.app.size.width))
            with Horizontal(id="approval-buttons"):
                # Content(...) keeps "[y]" literal instead of reading it as markup.
                yield Button(Content(labels[0]), id="approve", variant="success")
                yield Button(Content(labels[1]), id="approve-session", variant="primary")
                yield Button(Content(labels[2]), id="deny", variant="error")

    def _target(self) -> str:
        """The header's file path; a command has none (the preview below shows it whole)."""
        if "command" in self.request.input:
            return ""
        return describe_request(self.request, self.redactor)

    def _chrome_rows(self, inner: int) -> int:
        """Rows of the dialog that are not the preview, for a content width of ``inner`` cells."""
        rows = FIXED_ROWS + (1 if self._target() else 0)
        if self.request.reason:
            rows += _rows(f"⚠ {self.request.reason}", inner)
        return rows + _rows(session_scope(self.request), inner) + _rows(self.KEY_HINTS, inner)

    def on_resize(self, event: events.Resize) -> None:
        # Give the diff what the screen can spare once title, notes, reason box and buttons are placed,
        # so the buttons stay visible on small terminals. (A ``vh`` max-height inside the auto-height
        # dialog makes Textual size the dialog by the unclamped diff, hence the computation here.)
        width, height = event.size
        inner = _inner_width(width)
        labels = _labels(inner)
        for button_id, label in zip(("#approve", "#approve-session", "#deny"), labels, strict=True):
            button = self.query_one(button_id, Button)
            if str(button.label) != label:
                button.label = Content(label)
                # Button keeps its width for the old label until its cached size is dropped.
                button.clear_cached_dimensions()
        self.query_one("#approval-buttons").refresh(layout=True)
        preview = self.query_one("#approval-preview")
        preview.styles.max_height = max(3, min(height - self._chrome_rows(inner), height * 2 // 3))

    # ------------------------------------------------------------------ keys

    async def text_box_takes(self, event: events.Key) -> bool:
        reason = self.query_one("#approval-reason", Input)
        if self.focused is not reason:
            return False
        # A key sent on its way before ``n`` moved the focus reaches the screen, not the box: it is
        # typing all the same (a reason typed at once must not hit the shortcuts, nor lose letters), and
        # goes in now, in order with the keys around it: a character is inserted, an editing key
        # (Backspace, an arrow) runs the box's own binding.
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            reason.insert_text_at_cursor(event.character)
        else:
            await run_own_binding(reason, event)
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
