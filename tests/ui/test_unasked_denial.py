"""The inspector does not put a denial on a user when nobody was asked (``flux-tui run``, replayed)."""

from __future__ import annotations

from test_inspector_sidebar_inspector import InspectorHost, _detail

from flux_tui.core.agent_events import ToolCallDecided, ToolCallProposed
from flux_tui.ui.widgets.tool_call_record import UNASKED_DENIAL
from flux_tui.ui.widgets.tool_inspector import ToolInspector


async def test_a_denial_nobody_made_is_not_said_to_be_the_users() -> None:
    app = InspectorHost()
    async with app.run_test(size=(90, 40)) as pilot:
        inspector = app.query_one(ToolInspector)
        inspector.apply(ToolCallProposed(call_id="c1", name="write_file", input={"path": "a.txt"}))
        reason = "flux-tui run is non-interactive"
        inspector.apply(ToolCallDecided(call_id="c1", decision="denied", reason=reason, by_user=False))
        await pilot.pause()
        header = _detail(inspector)["header"]
        assert UNASKED_DENIAL in header and reason in header
        assert "user" not in header
