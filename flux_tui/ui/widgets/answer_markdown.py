"""Rich's Markdown as answers use it. A module of its own so that Rich's Markdown and its parser
(``markdown-it``, 17 ms of imports) load when the first answer is drawn, not before the first frame."""

from __future__ import annotations

from typing import ClassVar

from rich.markdown import Heading, Markdown, MarkdownElement


class LeftHeading(Heading):
    """Headings flush left: centred titles read oddly in a chat."""

    LEVEL_ALIGN: ClassVar = {f"h{level}": "left" for level in range(1, 7)}


class AnswerMarkdown(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {**Markdown.elements, "heading_open": LeftHeading}
