"""The pieces a conversation is made of in the chat pane: answers (their text, thinking and tool
calls), and the lines around them (``chat_lines``: prompts, notices, errors), named here too.

Answer text streams through ``AnswerText`` chunks (see ``answer_text``): throttled writes, never a
re-render per token, and only the block still streaming is rendered again.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual.containers import Vertical
from textual.content import Content
from textual.widget import AwaitMount, Widget
from textual.widgets import Collapsible, Static

from flux_tui.core.stop_notes import STOP_NOTES
from flux_tui.core.terminal_text import terminal_safe
from flux_tui.ui.beat import next_beat
from flux_tui.ui.format import clip
from flux_tui.ui.widgets.answer_text import (
    FIRST_WRITE_DELAY,
    LATER_CHUNK_DELAY,
    AnswerText,
    ChunkSplitter,
)
from flux_tui.ui.widgets.chat_lines import (
    PROMPT_PREVIEW_CHARS,
    EarlierTurns,
    NoticeLine,
    TurnError,
    UserPrompt,
    Welcome,
    preview,
    unanswered_mark,
)

__all__ = [
    "DECISION_NOTES",
    "PROMPT_PREVIEW_CHARS",
    "TOOL_NOTE_CHARS",
    "AssistantAnswer",
    "EarlierTurns",
    "NoticeLine",
    "ThinkingView",
    "ToolCallLine",
    "TurnError",
    "UserPrompt",
    "Welcome",
    "preview",
    "result_first_line",
    "summarise_input",
    "unanswered_mark",
]


class ThinkingView(Collapsible):
    """Model reasoning, collapsed by default; its text is refreshed at most once a beat (``beat``)."""

    # Unscoped: the selectors name the chat, so they keep the specificity Collapsible's own rules lose to.
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .thinking {
        margin: 0;
        padding: 0;
        border: none;
        background: transparent;
    }
    ChatPane .thinking .thinking-text {
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(self) -> None:
        self._body = Static("", classes="thinking-text", markup=False)
        super().__init__(self._body, title="Thinking", collapsed=True, classes="thinking")
        self._parts: list[str] = []
        self._dirty = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add(self, text: str) -> None:
        self._parts.append(text)
        if not self._dirty:
            self._dirty = True
            self.set_timer(next_beat(), self._refresh_text)

    def _refresh_text(self) -> None:
        self._dirty = False
        self._body.update(Content(terminal_safe(self.text)))

    def end(self) -> None:
        self._refresh_text()


_STATUS_ICONS = {
    "pending": "…",
    "running": "⟳",
    "done": "✓",
    "failed": "✖",
    "denied": "⊘",
    "cancelled": "⊘",
    "interrupted": "⊘",
}


def summarise_input(data: dict[str, Any], limit: int = 80) -> str:
    """``path="a.py", limit=20`` — the arguments of a call on one short line."""
    parts = []
    for key, value in data.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        shown = shown.replace("\n", "⏎")
        if len(shown) > 40:
            shown = shown[:39] + "…"
        parts.append(f"{key}={shown!r}" if isinstance(value, str) else f"{key}={shown}")
    text = ", ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ToolCallLine(Static):
    """A compact trace of one tool call inside an answer (the inspector holds the details)."""

    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .tool-line {
        color: $text-muted;
    }
    ChatPane .tool-line.-done {
        color: $success;
    }
    ChatPane .tool-line.-failed,
    ChatPane .tool-line.-denied {
        color: $error;
    }
    ChatPane .tool-line.-cancelled,
    ChatPane .tool-line.-interrupted {
        color: $warning;
    }
    """

    def __init__(self, call_id: str, name: str, data: dict[str, Any], input_error: str | None) -> None:
        super().__init__("", classes="tool-line -pending")
        self.call_id = call_id
        self.tool_name = name
        self.summary = f"malformed arguments: {input_error}" if input_error else summarise_input(data)
        self.status = "pending"
        self.note = ""
        self._render_line()

    def set_status(self, status: str, note: str = "") -> None:
        self.remove_class(f"-{self.status}")
        self.status = status
        self.note = note
        self.add_class(f"-{status}")
        self._render_line()

    def _render_line(self) -> None:
        icon = _STATUS_ICONS.get(self.status, "?")
        line = Content.assemble(
            (f"{icon} ", "bold"), (self.tool_name, "bold"), f"({self.summary})", f"  {self.status}"
        )
        if self.note:
            line = Content.assemble(line, f" — {self.note}")
        self.update(line)


DECISION_NOTES = {
    "approved": "approved",
    "approved_session": "approved for the session",
    "yolo": "allowed (yolo)",
    "denied": "denied",
    "policy_deny": "denied by policy",
}


TOOL_NOTE_CHARS = 80  # a failed call's result, shown after its line in the chat (the inspector has it all)


def result_first_line(result: str) -> str:
    """The first line of a tool's result, clipped at a word; "…" says when there is more."""
    lines = [line.strip() for line in result.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    first = clip(lines[0], TOOL_NOTE_CHARS)
    return first if len(lines) == 1 or first.endswith("…") else f"{first} …"


class AssistantAnswer(Vertical):
    """Everything the assistant produced in one turn, in order: text, thinking, tool calls, notices."""

    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .answer {
        layout: vertical;
        height: auto;
        margin: 1 0 0 0;
        padding: 0 0 0 1;
        border-left: thick $primary 50%;
    }
    ChatPane .answer.-cancelled,
    ChatPane .answer.-incomplete {
        border-left: thick $warning 60%;
    }
    ChatPane .answer.-failed {
        border-left: thick $error 70%;
    }
    ChatPane .answer-header {
        color: $text-muted;
        text-style: italic;
    }
    ChatPane .answer-placeholder {
        color: $text-muted;
    }
    """

    def __init__(self, provider: str, model: str, *, bulk: bool = False) -> None:
        super().__init__(classes="answer")
        self._placeholder = Static("…", classes="answer-placeholder")
        self.bulk = bulk  # loaded from a stored session: text is rendered when it comes into view
        self.provider = provider
        self.model = model
        self.state = "streaming"
        self._text: AnswerText | None = None  # the chunk being written
        self._splitter: ChunkSplitter | None = None
        self._runs: list[list[AnswerText]] = []  # runs of text (split by tool calls...), in chunks
        self._thinking: ThinkingView | None = None
        self._tools: dict[str, ToolCallLine] = {}
        self._mounts: list[AwaitMount] = []  # what ``mounted()`` waits for

    def start(self) -> None:
        """Call right after mounting this: constructor or compose children would be mounted *after*
        content added while the answer itself is still pending, so the header goes in first here."""
        header = Static(Content(f"{self.provider} · {self.model}"), classes="answer-header")
        if self.bulk:
            self.mount(header)
        else:
            self._mounts.append(self.mount(header, self._placeholder))

    # -- content ----------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return "\n\n".join("".join(chunk.text for chunk in run) for run in self._runs)

    @property
    def chunks(self) -> list[AnswerText]:
        return [chunk for run in self._runs for chunk in run]

    @property
    def thinking_text(self) -> str:
        return "".join(view.text for view in self.query(ThinkingView))

    @property
    def tool_lines(self) -> list[ToolCallLine]:
        return list(self._tools.values())

    def _append(self, widget: Widget) -> None:
        self._placeholder.display = False
        mounting = self.mount(widget)
        if not self.bulk:
            self._mounts.append(mounting)

    async def mounted(self) -> None:
        """Wait until everything added to this answer so far is mounted (and laid out in the next frame)."""
        pending, self._mounts = self._mounts, []
        for mounting in pending:
            await mounting

    def add_text(self, text: str) -> None:
        if self._text is None or self._splitter is None:
            self._end_thinking()
            self._splitter = ChunkSplitter()
            self._runs.append([])
            self._new_chunk()
        cuts = self._splitter.feed(text)
        if cuts:
            start = 0
            for cut in cuts:
                if cut > start:
                    self._text.add(text[start:cut])  # type: ignore[union-attr]
                self._text.end(rerender=False)  # type: ignore[union-attr]
                self._new_chunk()
                start = cut
            text = text[start:]
        self._text.add(text)  # type: ignore[union-attr]

    def _new_chunk(self) -> None:
        first = not self._runs[-1]
        self._text = AnswerText(
            first_write_delay=FIRST_WRITE_DELAY if first else LATER_CHUNK_DELAY, continued=not first
        )
        self._runs[-1].append(self._text)
        self._append(self._text)

    def add_thinking(self, text: str) -> None:
        if self._thinking is None:
            self._end_text()
            self._thinking = ThinkingView()
            self._append(self._thinking)
        self._thinking.add(text)

    def _end_text(self) -> None:
        if self._text is not None:
            self._text.end(rerender=True, defer=self.bulk)
            self._text = None
            self._splitter = None

    def _end_thinking(self) -> None:
        if self._thinking is not None:
            self._thinking.end()
            self._thinking = None

    def add_tool_call(self, call_id: str, name: str, data: dict[str, Any], input_error: str | None) -> None:
        self._end_text()
        self._end_thinking()
        line = ToolCallLine(call_id, name, data, input_error)
        self._tools[call_id] = line
        self._append(line)

    def set_tool_status(self, call_id: str, status: str, note: str = "") -> None:
        line = self._tools.get(call_id)
        if line is not None:
            line.set_status(status, note)

    def add_notice(self, text: str, level: str) -> None:
        self._end_text()
        self._end_thinking()
        self._append(NoticeLine(text, level))

    # -- endings ----------------------------------------------------------------------------------

    def _close(self, state: str) -> None:
        self._end_text()
        self._end_thinking()
        self.state = state
        if state != "done":
            # Only for the rare endings: a class change restyles every block of a long answer.
            self.add_class(f"-{state}")
        if not self._runs and not self._tools:
            self._placeholder.display = False

    def finish(self, stop_reason: str) -> None:
        self._close("done")
        if stop_reason in STOP_NOTES:
            self._append(NoticeLine(STOP_NOTES[stop_reason], "warning"))

    def fail(self, error: str, hint: str | None) -> None:
        self._close("failed")
        self._append(TurnError(error, hint))

    def cancel(self) -> None:
        self._close("cancelled")
        kept = "the partial answer is kept" if self._runs else "nothing was answered"
        self._append(NoticeLine(f"⊘ cancelled — {kept}", "cancelled"))

    def interrupt(self) -> None:
        """A stored turn that never reported its end (the app was killed mid-answer)."""
        self._close("incomplete")
        self._append(NoticeLine("⊘ incomplete: the session ended before this answer did", "cancelled"))

    async def settle(self) -> None:
        """Wait until every text segment has had its final render (tests, replay)."""
        for chunk in self.chunks:
            await chunk.settled.wait()
