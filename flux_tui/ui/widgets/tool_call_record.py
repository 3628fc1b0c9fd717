"""What the inspector knows about one tool call, folded from its events, and how it is drawn in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from flux_tui.core.agent_events import Decision, ToolStatus
from flux_tui.core.redact import Redactor
from flux_tui.ui.format import diff_syntax, duration, json_syntax, looks_like_diff, truncate

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme

STATUS_STYLES: dict[str, str] = {
    "pending": "bold yellow",
    "running": "bold cyan",
    "done": "bold green",
    "failed": "bold red",
    "denied": "bold magenta",
    "cancelled": "dim",
    "interrupted": "bold dark_orange",
}

# Keys of the arguments that best say what a call touches, shown in the table's "Target" column.
TARGET_KEYS = ("path", "command", "pattern", "url", "query")
RESULT_LIMIT = 20_000  # a huge tool result is cut in the detail pane; the full text lives in the session
TARGET_WIDTH = 32


@dataclass(slots=True)
class ToolCallRecord:
    """What the inspector knows about one call, folded from its events."""

    call_id: str
    name: str
    index: int
    input: dict[str, Any] = field(default_factory=dict)
    input_error: str | None = None
    preview: str | None = None
    status: ToolStatus = "pending"
    decision: Decision | None = None
    reason: str | None = None
    by_user: bool = True  # who decided, for a denial (see ToolCallDecided)
    result: str | None = None
    duration: float | None = None
    diff: str | None = None

    @property
    def target(self) -> str:
        for key in TARGET_KEYS:
            value = self.input.get(key)
            if isinstance(value, str) and value:
                first_line = value.splitlines()[0] if value.strip() else value
                return first_line if len(first_line) <= TARGET_WIDTH else first_line[: TARGET_WIDTH - 1] + "…"
        return ""


def status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLES.get(status, ""))


DECISION_TEXT: dict[str, str] = {
    "auto": "allowed by policy (no prompt)",
    "approved": "approved once",
    "approved_session": "approved for the rest of the session",
    "denied": "denied by the user",
    "yolo": "allowed (--yolo)",
    "policy_deny": "denied by policy",
}
UNASKED_DENIAL = "denied: nobody could be asked"


def call_header(record: ToolCallRecord, *, cost: str | None, redact: Callable[[str], str]) -> Text:
    """The detail pane's first lines for ``record``: number, name, status, duration, id, cost, approval."""
    text = Text()
    text.append(f"#{record.index} ", style="dim")
    text.append(record.name, style="bold")
    text.append("  ")
    text.append_text(status_text(record.status))
    if record.duration:
        text.append(f"  {duration(record.duration)}", style="dim")
    text.append(f"\nid {record.call_id}", style="dim")
    if cost:
        text.append("\nCost: ", style="bold").append(cost)
    if record.decision is not None:
        text.append("\nApproval: ", style="bold")
        denied = record.decision in ("denied", "policy_deny")
        label = DECISION_TEXT.get(record.decision, record.decision)
        if record.decision == "denied" and not record.by_user:
            label = UNASKED_DENIAL
        text.append(label, style="red" if denied else "")
        if record.reason:
            text.append(f" — {redact(record.reason)}", style="italic")
    elif record.status == "pending":
        text.append("\nApproval: waiting", style="yellow")
    return text


def time_cell(record: ToolCallRecord) -> Text:
    """The table's "Time" cell."""
    if record.status == "running":
        return Text("…", style="cyan")
    return Text(duration(record.duration) if record.duration else "", justify="right")


def args_renderable(record: ToolCallRecord, redactor: Redactor, theme: SyntaxTheme | str) -> RenderableType:
    """The detail pane's arguments: JSON in the code ``theme``, keys redacted."""
    if record.input_error:
        error = redactor.redact_text(record.input_error)
        return Text(f"Malformed arguments: {error}", style="bold red")
    return json_syntax(redactor.redact(record.input), theme)


def result_renderable(record: ToolCallRecord, redact: Callable[[str], str]) -> RenderableType | None:
    """The detail pane's result (None: no result yet), cut at ``RESULT_LIMIT``."""
    if record.result is None:
        return None
    if not record.result:
        return Text("(empty)", style="dim")
    return Text(redact(truncate(record.result, RESULT_LIMIT)))


def preview_renderable(
    text: str | None, applied: bool, redact: Callable[[str], str], theme: SyntaxTheme | str
) -> RenderableType | None:
    """The detail pane's diff (applied or proposed) or command; None: nothing to show."""
    if not text:
        return None
    text = redact(text)
    if applied or looks_like_diff(text):
        return diff_syntax(text, theme)
    return Text(text)
