"""Colours of what the app draws with Rich (answers' Markdown, code, diffs, JSON), taken from the current
Textual theme, so a theme chosen in the palette recolours them like the rest of the screen.

``Palette(variables)`` turns the theme's CSS variables (``App.get_css_variables()``: ``primary``,
``accent``, ``success``, ``error``, ``foreground-muted``...) into a Rich ``Theme`` for Markdown and a
Rich ``SyntaxTheme`` (Pygments tokens to styles) for code blocks, diffs and JSON. A variable Rich cannot
use (a theme's "ansi_default 50%") leaves that style without a colour: the terminal's own.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.style import Style
from rich.theme import Theme
from textual.color import Color, ColorParseError

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme


def _color(variables: dict[str, str], name: str) -> RichColor | None:
    value = variables.get(name)
    if not value:
        return None
    try:
        color = Color.parse(value)
    except (ColorParseError, ValueError):
        return None
    return None if color.a == 0 else color.rich_color


class Palette:
    """The Rich styles of one Textual theme (``markdown``: a Rich theme; ``syntax``: for Syntax)."""

    def __init__(self, variables: dict[str, str]) -> None:
        self._vars = variables

    def color(self, name: str) -> RichColor | None:
        return _color(self._vars, name)

    def style(self, name: str, **attrs: bool) -> Style:
        return Style(color=self.color(name), **attrs)

    @cached_property
    def markdown(self) -> Theme:
        s = self.style
        return Theme(
            {
                "markdown.h1": s("markdown-h1-color", bold=True),
                "markdown.h2": s("markdown-h2-color", bold=True),
                "markdown.h3": s("markdown-h3-color", bold=True),
                "markdown.h4": Style(bold=True, italic=True),
                "markdown.h5": Style(italic=True),
                "markdown.h6": Style(dim=True),
                "markdown.code": s("accent", bold=True),
                "markdown.code_block": s("accent"),
                "markdown.block_quote": s("foreground-muted", italic=True),
                "markdown.table.border": s("foreground-muted"),
                "markdown.table.header": Style(bold=True),
                "markdown.link": s("secondary", underline=True),
                "markdown.link_url": s("secondary", underline=True),
                "markdown.item.bullet": s("primary", bold=True),
                "markdown.item.number": s("primary", bold=True),
                "markdown.hr": s("foreground-muted"),
            },
            inherit=True,
        )

    @cached_property
    def syntax(self) -> SyntaxTheme:
        # Pygments loads with the first code block, diff or JSON drawn, not before the first frame.
        from flux_tui.ui.syntax_theme import syntax_theme

        return syntax_theme(self.style, Style(bgcolor=self.color("panel")))


def code_theme(app: object, default: str = "ansi_dark") -> SyntaxTheme | str:
    """The syntax theme of ``app``'s current theme (``default`` for an app without a palette)."""
    palette = getattr(app, "palette", None)
    return palette.syntax if isinstance(palette, Palette) else default
