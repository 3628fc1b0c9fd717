"""A Rich ``SyntaxTheme`` made of a theme's colours (see ``theme_colors``); imports Pygments, so it is
loaded with the first code block, diff or JSON drawn."""

from __future__ import annotations

from collections.abc import Callable

from pygments import token as t
from pygments.token import _TokenType
from rich.style import Style
from rich.syntax import ANSISyntaxTheme


class BackedSyntaxTheme(ANSISyntaxTheme):
    """Token styles on a background of their own, so a code block stands out from the text around it
    (a diff or JSON is drawn with ``background_color="default"``, which overrides it)."""

    def __init__(self, styles: dict[_TokenType, Style], background: Style) -> None:
        super().__init__(styles)
        self._background = background

    def get_background_style(self) -> Style:
        return self._background


def syntax_theme(style: Callable[..., Style], background: Style) -> BackedSyntaxTheme:
    """``style(variable, bold=..., italic=...)`` gives the style of a theme variable's colour."""
    styles = {
        t.Token: Style(),
        t.Comment: style("foreground-muted", italic=True),
        t.Keyword: style("accent", bold=True),
        t.Keyword.Constant: style("accent"),
        t.Keyword.Type: style("secondary"),
        t.Name.Function: style("primary"),
        t.Name.Class: style("primary", bold=True),
        t.Name.Builtin: style("secondary"),
        t.Name.Decorator: style("secondary"),
        t.Name.Tag: style("primary"),  # JSON keys, HTML tags
        t.Name.Attribute: style("primary"),
        t.String: style("success"),
        t.Number: style("warning"),
        t.Operator: style("secondary"),
        t.Operator.Word: style("accent", bold=True),
        t.Generic.Inserted: style("success"),
        t.Generic.Deleted: style("error"),
        t.Generic.Heading: style("primary", bold=True),
        t.Generic.Subheading: style("accent"),
        t.Generic.Error: style("error"),
        t.Generic.Emph: Style(italic=True),
        t.Generic.Strong: Style(bold=True),
        t.Error: style("error"),
    }
    return BackedSyntaxTheme(styles, background)
