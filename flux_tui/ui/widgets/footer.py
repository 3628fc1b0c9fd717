"""The footer: Textual's, with each key classed by its action (``-key-toggle-sidebar``...), so the
narrower layouts can leave the less needed keys out rather than cut the line (``app.tcss``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FluxFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                action = widget.action.rpartition(".")[2].partition("(")[0]
                widget.add_class(f"-key-{action.replace('_', '-')}")
            yield widget
