"""What the inspector knows about one tool call, folded from its events, and how it is drawn in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from flux_tui.core.agent_events import Decision, ToolStatus
from flux_tui.ui.format import duration

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
