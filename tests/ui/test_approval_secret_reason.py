"""The approval dialog says why a read that normally runs unasked asks this time ("may hold secrets")."""

from __future__ import annotations

from key_guard_support import wait_out_key_guard
from test_approval import ApprovalHost
from textual.widgets import Label

from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.ui.screens.approval import ApprovalScreen

SECRET_READ = ApprovalRequest(
    call_id="call_s",
    tool_name="read_file",
    input={"path": ".env"},
    reason=".env may hold secrets (it matches '.env' in [tools] secret_files)",
)


async def test_the_dialog_shows_why_it_asks() -> None:
    app = ApprovalHost(SECRET_READ)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        note = screen.query_one("#approval-reason-note", Label)
        assert ".env may hold secrets" in str(note.render())
        assert screen.query_one("#approve").region.bottom <= 30  # the buttons stay on screen
        await wait_out_key_guard(screen)
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [ApprovalDecision("approved")]


async def test_a_plain_request_has_no_note() -> None:
    request = ApprovalRequest(call_id="c", tool_name="write_file", input={"path": "a.txt"}, preview="+x\n")
    app = ApprovalHost(request)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#approval-reason-note")
