"""Copying answers: the last answer (``/copy``, f2, the palette), one of its code blocks (``/copy code
N``), and whatever the mouse selected (ctrl+c, Textual's own), each followed by a notification saying
what went to the clipboard.

Textual writes the clipboard with OSC 52, which a terminal may ignore: the notification says what was
sent, and the app keeps it too (``App.clipboard``) for its own paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import App

from flux_tui.core.wording import counted

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp

COPY_USAGE = "Usage: /copy (the last answer) or /copy code [N] (its code block N, the first by default)."


@dataclass(frozen=True, slots=True)
class CodeBlock:
    language: str
    code: str


def code_blocks(markdown: str) -> list[CodeBlock]:
    """The fenced and indented code blocks of ``markdown``, in order (parsed as Rich's Markdown does)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(markdown)
    return [
        CodeBlock(language=next(iter(token.info.split()), ""), code=token.content)
        for token in tokens
        if token.type in ("fence", "code_block")
    ]


def describe(text: str) -> str:
    """``3 lines, 120 characters``: how much was copied."""
    lines = text.count("\n") + 1
    return f"{counted(lines, 'line')}, {counted(len(text), 'character')}"


class CopyControl:
    """Mixed into ``FluxApp``, before ``App``: its ``copy_to_clipboard`` tells what was copied."""

    def copy_to_clipboard(self: FluxApp, text: str) -> None:
        """Every copy (a selection with ctrl+c, the prompt's own copy) says what it copied."""
        self.copy_text(text, "the selection")

    def copy_text(self: FluxApp, text: str, what: str) -> None:
        App.copy_to_clipboard(self, text)
        self.notify(f"Copied {what} ({describe(text)}).", title="Copied", timeout=4)

    def action_copy_answer(self: FluxApp) -> None:
        """Copy the last answer as the model wrote it (Markdown)."""
        answer = self.conversation.last_answer_text()
        if answer is None:
            self.notify("No answer to copy yet.", severity="warning")
            return
        self.copy_text(answer.strip("\n"), "the last answer")

    def copy_command(self: FluxApp, arg: str) -> None:
        """``/copy``, ``/copy code``, ``/copy code N``."""
        words = arg.split()
        if not words:
            self.action_copy_answer()
            return
        if words[0].lower() != "code" or len(words) > 2 or (len(words) == 2 and not words[1].isdigit()):
            self.conversation.notice(COPY_USAGE, "warning")
            return
        answer = self.conversation.last_answer_text()
        blocks = code_blocks(answer) if answer is not None else []
        if not blocks:
            self.notify("The last answer has no code block.", severity="warning")
            return
        number = int(words[1]) if len(words) == 2 else 1
        if not 1 <= number <= len(blocks):
            self.notify(
                f"The last answer has {len(blocks)} code block{'s' if len(blocks) > 1 else ''}: "
                f"/copy code 1{f' to {len(blocks)}' if len(blocks) > 1 else ''}.",
                severity="warning",
            )
            return
        block = blocks[number - 1]
        label = f"code block {number} of {len(blocks)}" + (f" ({block.language})" if block.language else "")
        self.copy_text(block.code.rstrip("\n"), label)
