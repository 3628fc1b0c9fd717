"""Local output in the chat: help, stats, history, setup instructions. Not part of the conversation.

Textual's ``Markdown`` widget (with ``markdown-it`` and Pygments behind it) is imported with this module,
which the chat loads when the first panel is shown, not before the first frame.
"""

from __future__ import annotations

from textual.widgets import Markdown


class InfoPanel(Markdown):
    def __init__(self, markdown: str, *, classes: str = "") -> None:
        super().__init__(markdown, classes=f"info-panel {classes}".strip())
