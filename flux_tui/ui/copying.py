"""Copying answers: the last answer (``/copy``, f2, the palette), one of its code blocks (``/copy code
N``), and whatever the mouse selected (ctrl+c, Textual's own), each followed by a notification saying
what went to the clipboard.

Textual writes the clipboard with OSC 52, which a terminal may ignore: the notification says what was
sent, and the app keeps it too (``App.clipboard``) for its own paste.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App

from flux_tui.core.wording import counted

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


def copy_and_tell(app: App[object], text: str, what: str) -> None:
    """Put ``text`` on the clipboard and say what went there (``what``: "the last answer"...)."""
    App.copy_to_clipboard(app, text)
    app.notify(f"Copied {what} ({describe(text)}).", title="Copied", timeout=4)


def copy_from_answer(app: App[object], answer: str | None, arg: str) -> str | None:
    """``/copy``, ``/copy code``, ``/copy code N`` of ``answer`` (the last answer's text, None: none
    yet); returns the usage text when ``arg`` is not one of those."""
    words = arg.split()
    number_ok = len(words) < 2 or (len(words) == 2 and words[1].isdigit())
    if words and (words[0].lower() != "code" or not number_ok):
        return COPY_USAGE
    if not words:
        if answer is None:
            app.notify("No answer to copy yet.", severity="warning")
        else:
            copy_and_tell(app, answer.strip("\n"), "the last answer")
        return None
    blocks = code_blocks(answer) if answer is not None else []
    if not blocks:
        app.notify("The last answer has no code block.", severity="warning")
        return None
    number = int(words[1]) if len(words) == 2 else 1
    if not 1 <= number <= len(blocks):
        app.notify(
            f"The last answer has {len(blocks)} code block{'s' if len(blocks) > 1 else ''}: "
            f"/copy code 1{f' to {len(blocks)}' if len(blocks) > 1 else ''}.",
            severity="warning",
        )
        return None
    block = blocks[number - 1]
    label = f"code block {number} of {len(blocks)}" + (f" ({block.language})" if block.language else "")
    copy_and_tell(app, block.code.rstrip("\n"), label)
    return None
