"""Rich's Markdown as answers use it. A module of its own so that Rich's Markdown and its parser
(``markdown-it``, 17 ms of imports) load after the first frame (``preload``, from the warm-up), not
before it, nor in the middle of the first answer.

One parser serves every render: Rich's ``Markdown`` builds a ``MarkdownIt`` per document, and with
``linkify-it`` installed each of those compiles its link patterns (0.19 ms, more than parsing a
typical block), and an answer is rendered block by block.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Heading, Markdown, MarkdownElement
from rich.syntax import SyntaxTheme

# What the first answer would otherwise load: the parser's rules, the code lexer table, a lexer, a link.
_SAMPLE = "# Title\n\nSome **text** and a [link](https://example.com).\n\n```python\nx = 1\n```\n"


class LeftHeading(Heading):
    """Headings flush left: centred titles read oddly in a chat."""

    LEVEL_ALIGN: ClassVar = {f"h{level}": "left" for level in range(1, 7)}


@cache
def _parser() -> MarkdownIt:
    """The parser ``Markdown`` builds for itself (commonmark, strikethrough, tables)."""
    return MarkdownIt().enable("strikethrough").enable("table")


class AnswerMarkdown(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {**Markdown.elements, "heading_open": LeftHeading}

    def __init__(
        self, markup: str, code_theme: str | SyntaxTheme = "monokai", hyperlinks: bool = True
    ) -> None:
        # ``Markdown.__init__`` without its per-document parser; the attributes are Rich's (a test
        # compares them with what ``Markdown.__init__`` sets).
        self.markup = markup
        self.parsed = _parser().parse(markup)
        self.code_theme = code_theme  # type: ignore[assignment]  # Syntax takes a theme object too
        self.justify = None
        self.style = "none"
        self.hyperlinks = hyperlinks
        self.inline_code_lexer = None
        self.inline_code_theme = code_theme  # type: ignore[assignment]


def preload() -> None:
    """Import and exercise what drawing an answer needs (the parser, a code lexer), in a throwaway
    console: run from the warm-up, so the first answer does not pay for it (about 45 ms)."""
    console = Console(width=80, force_terminal=True, color_system="truecolor")
    console.render_lines(AnswerMarkdown(_SAMPLE), console.options)
