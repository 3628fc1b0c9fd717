"""The inspector shows what a tool call cost: its request, and its result as context since."""

from __future__ import annotations

import sys
from pathlib import Path

from test_inspector_sidebar_inspector import InspectorHost, _detail

from flux_tui.core.attribution import attribute
from flux_tui.ui.widgets.tool_inspector import ToolInspector

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agent"))
from test_attribution import session


async def test_the_selected_call_shows_its_request_and_context_cost() -> None:
    events = session()
    expected = attribute(events).cost_line("c1")
    app = InspectorHost(events)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = _detail(app.query_one(ToolInspector))["header"]
        assert f"Cost: {expected}" in " ".join(header.split())
