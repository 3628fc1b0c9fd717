"""A closed inspector does not draw the selected call's detail again for every paid request (in a long
session, every exchange after the first tool call); it draws it, with what the call has cost since,
when it opens."""

from __future__ import annotations

import sys
from pathlib import Path

from test_inspector_sidebar_inspector import InspectorHost, _detail

from flux_tui.core.attribution import attribute
from flux_tui.ui.widgets.tool_inspector import ToolInspector

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agent"))
from test_attribution import session


async def test_the_detail_is_drawn_when_the_inspector_opens_not_while_it_is_closed() -> None:
    events = session()
    called = events.index(next(e for e in events if type(e).__name__ == "ToolCallFinished")) + 1
    app = InspectorHost(events[:called])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        inspector = app.query_one(ToolInspector)
        before = _detail(inspector)["header"]
        inspector.display = False
        await pilot.pause()
        drawn: list[None] = []
        original = inspector._show_detail
        inspector._show_detail = lambda: (drawn.append(None), original())[1]  # type: ignore[method-assign]
        for event in events[called:]:
            inspector.apply(event)
        await pilot.pause()
        assert drawn == []
        assert _detail(inspector)["header"] == before
        inspector.display = True
        await pilot.pause()
        header = " ".join(_detail(inspector)["header"].split())
        assert f"Cost: {attribute(events).cost_line('c1')}" in header
        assert header != " ".join(before.split())
