"""Local output in the chat: help, stats, history, setup instructions. Not part of the conversation.

Textual's ``Markdown`` widget (with ``markdown-it`` and Pygments behind it) is imported with this module,
which the chat loads when the first panel is shown, not before the first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.widgets import Markdown

FitMarkdown = Callable[[int | None], str]  # the Markdown for a width (None: not laid out yet)


class InfoPanel(Markdown):
    """``markdown``: the text, or what gives it for the panel's width (a table that would be cut when
    narrow is laid out otherwise), asked again when the width changes."""

    SCOPED_CSS: ClassVar[bool] = False  # its selectors name the chat, where panels are shown
    DEFAULT_CSS = """
    ChatPane .info-panel {
        margin: 1 0 0 0;
        padding: 0 1;
        background: $surface;
        border: round $primary-darken-2;
    }
    ChatPane .info-panel.setup,
    ChatPane .info-panel.problems {
        border: round $warning;
    }
    """

    def __init__(self, markdown: str | FitMarkdown, *, classes: str = "") -> None:
        self._fit = None if isinstance(markdown, str) else markdown
        text = markdown if isinstance(markdown, str) else markdown(None)
        super().__init__(text, classes=f"info-panel {classes}".strip())

    def on_resize(self, event: events.Resize) -> None:
        if self._fit is None:
            return
        text = self._fit(self.content_size.width)
        if text != self.source:
            self.update(text)
