"""The approval dialog in an 80x24 terminal: the reason box's placeholder, which says that Enter denies,
is read whole."""

from __future__ import annotations

from test_approval import COMMAND, ApprovalHost
from textual.widgets import Input

from flux_tui.ui.screens.approval import ApprovalScreen


async def test_the_reason_placeholder_fits_at_80_columns() -> None:
    app = ApprovalHost(COMMAND)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        reason = app.screen.query_one("#approval-reason", Input)
        assert reason.placeholder.endswith("Enter denies")
        assert len(reason.placeholder) <= reason.content_region.width - 1  # and the cursor's cell
