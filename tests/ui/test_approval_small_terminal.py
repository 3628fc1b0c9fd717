"""The approval dialog keeps its buttons on screen at 80x24 and 60x20, shows a long command once, and
says what "approve for the session" covers."""

from __future__ import annotations

import pytest
from test_approval import ApprovalHost
from textual.widgets import Static

from flux_tui.core.protocols import ApprovalRequest
from flux_tui.ui.screens.approval import ApprovalScreen

LONG = "find . -name '*.py' -not -path './.venv/*' | xargs grep -n 'TODO' | sort | uniq -c | sort -rn && " * 3
COMMAND = ApprovalRequest(
    call_id="c",
    tool_name="run_command",
    input={"command": LONG},
    preview=f"$ {LONG}\n(cwd: /work/project, timeout: 120 s)",
)
SECRET = ApprovalRequest(
    call_id="s",
    tool_name="read_file",
    input={"path": "config/.env.production"},
    reason="config/.env.production may hold secrets (it matches '.env.*' in [tools] secret_files)",
    session_scope="reading config/.env.production only",
)


def _shown(app: ApprovalHost) -> str:
    return "\n".join(line.text for line in app.screen._compositor.render_update(full=True).strips)  # type: ignore[attr-defined]


@pytest.mark.parametrize("request_", [COMMAND, SECRET], ids=["command", "secret"])
@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_buttons_stay_on_screen(size: tuple[int, int], request_: ApprovalRequest) -> None:
    app = ApprovalHost(request_)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        dialog = screen.query_one("#approval-dialog").region
        for button_id in ("#approve", "#approve-session", "#deny"):
            button = screen.query_one(button_id).region
            assert dialog.contains_region(button), (button_id, button, dialog)
            assert button.bottom <= size[1] and button.right <= size[0]


async def test_a_command_is_shown_once() -> None:
    app = ApprovalHost(COMMAND)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#approval-target")  # the preview shows the command whole


async def test_the_dialog_says_what_the_session_approval_covers() -> None:
    app = ApprovalHost(SECRET)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        scope = str(app.screen.query_one("#approval-scope", Static).render())
        assert "reading config/.env.production only" in scope
    app = ApprovalHost(COMMAND)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "every run_command call" in str(app.screen.query_one("#approval-scope", Static).render())
