"""The tool inspector's table and detail pane: mounted by ``ToolInspector`` when it first has a call to
show or is opened, so this module is imported then, not on the first frame's path."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import DataTable, Static

from flux_tui.ui.widgets.key_scroll import KeyScroll


def inspector_parts() -> list[Widget]:
    return [
        DataTable(id="tool-calls", cursor_type="row", zebra_stripes=True),
        KeyScroll(
            Static("No tool calls yet.", id="detail-header"),
            Static("Arguments", classes="section-title hidden", id="title-args"),
            Static(id="detail-args", classes="hidden"),
            Static("Result", classes="section-title hidden", id="title-result"),
            Static(id="detail-result", classes="hidden"),
            Static("Diff", classes="section-title hidden", id="title-diff"),
            Static(id="detail-diff", classes="hidden"),
            id="tool-detail",
        ),
    ]
