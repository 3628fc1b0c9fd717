"""The pieces a conversation is made of in the chat pane: prompts, answers, notices, errors.

Answers stream through Textual's ``MarkdownStream``, fed at most every ``FLUSH_INTERVAL`` seconds with
everything that arrived in between, so a one-token-per-chunk firehose costs a few dozen Markdown appends,
not one re-render per token. When the answer ends, one full ``update()`` re-parses it so code fences and
tables that arrived in pieces render exactly as a static document would.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Collapsible, Markdown, Static
from textual.widgets.markdown import MarkdownStream

FLUSH_INTERVAL = 0.05  # seconds between two writes to the Markdown stream
PROMPT_PREVIEW_CHARS = 4000  # a huge paste is summarised in the chat; the request carries all of it


def preview(text: str, limit: int = PROMPT_PREVIEW_CHARS) -> str:
    """``text`` cut to ``limit`` characters with a note of what was left out."""
    if len(text) <= limit:
        return text
    rest = text[limit:]
    return f"{text[:limit]}\n… ({len(rest):,} more characters, {rest.count(chr(10)):,} more lines)"


class UserPrompt(Static):
    """What the user asked (plain text: a prompt is not Markdown to render)."""

    def __init__(self, prompt: str) -> None:
        super().__init__(Content(preview(prompt)), classes="user-prompt")
        self.prompt = prompt


class InfoPanel(Markdown):
    """Local output: help, stats, history, setup instructions. Not part of the conversation."""

    def __init__(self, markdown: str, *, classes: str = "") -> None:
        super().__init__(markdown, classes=f"info-panel {classes}".strip())


class NoticeLine(Static):
    """A one-line message: retrying, switched provider, refused action..."""

    def __init__(self, text: str, level: str = "info") -> None:
        super().__init__(Content(text), classes=f"notice -{level}")
        self.text = text
        self.level = level


class TurnError(Static):
    """A failed turn: what went wrong and what to do next."""

    def __init__(self, error: str, hint: str | None) -> None:
        body = Content.assemble(("✖ ", "bold"), (error, "bold"))
        if hint:
            body = Content.assemble(body, "\n", hint)
        super().__init__(body, classes="turn-error")
        self.error = error
        self.hint = hint


class AnswerText(Markdown):
    """One run of assistant text, streamed with a throttled ``MarkdownStream``."""

    def __init__(self) -> None:
        super().__init__("", classes="answer-text")
        self._parts: list[str] = []
        self._pending: list[str] = []
        self._stream: MarkdownStream | None = None
        self._ready = False
        self._flush_scheduled = False
        self._final = False
        self.settled = asyncio.Event()

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def on_mount(self) -> None:
        # Markdown's own mount handler has run its initial update() by now; appending earlier would be
        # wiped by it, so text that arrived before this point waits in _pending.
        self._ready = True
        if self._final:
            self.call_later(self.finalize)
            return
        self._stream = Markdown.get_stream(self)
        if self._pending:
            self._schedule_flush()

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._pending.append(text)
        if self._ready and not self._flush_scheduled:
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        self._flush_scheduled = True
        self.set_timer(FLUSH_INTERVAL, self._flush)

    async def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending and self._stream is not None:
            chunk = "".join(self._pending)
            self._pending.clear()
            await self._stream.write(chunk)

    def end(self) -> None:
        """The answer is over: render the final document once everything is in."""
        self._final = True
        if self._ready:
            self.call_later(self.finalize)

    async def finalize(self) -> None:
        if self.settled.is_set():
            return
        self._pending.clear()
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.stop()
        await self.update(self.text)
        self.settled.set()


class ThinkingView(Collapsible):
    """Model reasoning, collapsed by default; its text is refreshed at most every FLUSH_INTERVAL."""

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
            self.set_timer(FLUSH_INTERVAL, self._refresh_text)

    def _refresh_text(self) -> None:
        self._dirty = False
        self._body.update(Content(self.text))

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


_STOP_NOTES = {
    "max_tokens": "The answer hit the max_tokens limit and was cut: raise max_tokens or ask to continue.",
    "max_steps": "The turn stopped at the step limit.",
    "refusal": "The model refused to answer.",
}


class AssistantAnswer(Vertical):
    """Everything the assistant produced in one turn, in order: text, thinking, tool calls, notices."""

    def __init__(self, provider: str, model: str) -> None:
        super().__init__(classes="answer")
        self._placeholder = Static("…", classes="answer-placeholder")
        self.provider = provider
        self.model = model
        self.state = "streaming"
        self._text: AnswerText | None = None
        self._thinking: ThinkingView | None = None
        self._tools: dict[str, ToolCallLine] = {}
        self._segments: list[AnswerText] = []

    def start(self) -> None:
        """Call right after mounting this: constructor or compose children would be mounted *after*
        content added while the answer itself is still pending, so the header goes in first here."""
        header = Static(Content(f"{self.provider} · {self.model}"), classes="answer-header")
        self.mount(header, self._placeholder)

    # -- content ----------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return "\n\n".join(segment.text for segment in self._segments)

    @property
    def thinking_text(self) -> str:
        return "".join(view.text for view in self.query(ThinkingView))

    @property
    def tool_lines(self) -> list[ToolCallLine]:
        return list(self._tools.values())

    def _append(self, widget: Static | Markdown | Collapsible) -> None:
        self._placeholder.display = False
        self.mount(widget)

    def add_text(self, text: str) -> None:
        if self._text is None:
            self._end_thinking()
            self._text = AnswerText()
            self._segments.append(self._text)
            self._append(self._text)
        self._text.add(text)

    def add_thinking(self, text: str) -> None:
        if self._thinking is None:
            self._end_text()
            self._thinking = ThinkingView()
            self._append(self._thinking)
        self._thinking.add(text)

    def _end_text(self) -> None:
        if self._text is not None:
            self._text.end()
            self._text = None

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
        if not self._segments and not self._tools:
            self._placeholder.display = False

    def finish(self, stop_reason: str) -> None:
        self._close("done")
        if stop_reason in _STOP_NOTES:
            self._append(NoticeLine(_STOP_NOTES[stop_reason], "warning"))

    def fail(self, error: str, hint: str | None) -> None:
        self._close("failed")
        self._append(TurnError(error, hint))

    def cancel(self) -> None:
        self._close("cancelled")
        kept = "the partial answer is kept" if self._segments else "nothing was answered"
        self._append(NoticeLine(f"⊘ cancelled — {kept}", "cancelled"))

    async def settle(self) -> None:
        """Wait until every text segment has had its final render (tests, replay)."""
        for segment in self._segments:
            await segment.settled.wait()
