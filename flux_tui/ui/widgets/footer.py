"""The footer: Textual's, with each key classed by its action (``-key-toggle-sidebar``...), so the
narrower layouts can leave the less needed keys out rather than cut the line."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FluxFooter(Footer):
    # Unscoped: the narrower layouts are classes of the screen (-medium: 80 to 109 columns, -narrow:
    # under 80); there the footer leaves out the keys the welcome and /help tell. While a replay plays
    # (the conversation screen's -replay) it leaves out the keys a replay refuses.
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    Screen.-medium FluxFooter .-key-newline,
    Screen.-medium FluxFooter .-key-clear,
    Screen.-medium FluxFooter .-key-sessions,
    Screen.-narrow FluxFooter .-key-newline,
    Screen.-narrow FluxFooter .-key-clear,
    Screen.-narrow FluxFooter .-key-sessions,
    Screen.-narrow FluxFooter .-key-toggle-inspector,
    Screen.-narrow FluxFooter .-key-toggle-sidebar,
    Screen.-replay FluxFooter .-key-clear,
    Screen.-replay FluxFooter .-key-sessions {
        display: none;
    }
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                action = widget.action.rpartition(".")[2].partition("(")[0]
                widget.add_class(f"-key-{action.replace('_', '-')}")
            yield widget
