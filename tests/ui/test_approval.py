"""The approval dialog: every decision by key press and by button, the diff or command it shows.

Keys and clicks are given once the dialog has been on screen for its guard interval (a user who read it);
keys typed ahead or in a burst are tested in ``test_approval_typeahead.py``."""

from __future__ import annotations

import io
from typing import Any

import pytest
from key_guard_support import wait_out_key_guard
from textual.app import App, ComposeResult
from textual.widgets import Input, Label, Static

from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.ui.screens.approval import ApprovalScreen

DIFF = """\
--- a/src/app.py
+++ b/src/app.py
@@ -1,4 +1,4 @@
 import os

-print("hello")
+print("hello, world")
 x = 1
"""

EDIT = ApprovalRequest(
    call_id="call_1",
    tool_name="edit_file",
    input={"path": "src/app.py", "old_string": 'print("hello")', "new_string": 'print("hello, world")'},
    preview=DIFF,
)
COMMAND = ApprovalRequest(
    call_id="call_2",
    tool_name="run_command",
    input={"command": "pytest -q tests/unit"},
    preview="$ pytest -q tests/unit\ncwd: /home/dev/project",
)


class ApprovalHost(App[None]):
    """Pushes the dialog at start and keeps what it returned."""

    def __init__(self, request: ApprovalRequest) -> None:
        super().__init__()
        self.request = request
        self.results: list[ApprovalDecision | None] = []

    def compose(self) -> ComposeResult:
        yield Label("main screen")

    def on_mount(self) -> None:
        self.push_screen(ApprovalScreen(self.request), self.results.append)


def _text(widget: Static) -> str:
    """Plain text of what a Static shows (a Rich renderable is rendered without colour)."""
    from rich.console import Console
    from textual.content import Content

    content = widget.content
    if isinstance(content, str | Content):
        return str(content)
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def _decide(request: ApprovalRequest, *keys: str, **kwargs: Any) -> ApprovalHost:
    app = ApprovalHost(request)
    async with app.run_test(size=(100, 40), **kwargs) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        await wait_out_key_guard(app.screen)
        await pilot.press(*keys)
        await pilot.pause()
        assert not isinstance(app.screen, ApprovalScreen), "the dialog should be closed"
    return app


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("y",), ApprovalDecision("approved")),
        (("ctrl+a",), ApprovalDecision("approved_session")),
        (("escape",), ApprovalDecision("denied", None)),
        (("n", "enter"), ApprovalDecision("denied", None)),
        (("n", *"use ruff", "enter"), ApprovalDecision("denied", "use ruff")),
    ],
    ids=["y-approve-once", "ctrl+a-approve-session", "escape-deny", "n-enter-deny", "n-reason-deny"],
)
async def test_key_presses_return_each_decision(keys: tuple[str, ...], expected: ApprovalDecision) -> None:
    app = await _decide(EDIT, *keys)
    assert app.results == [expected]


async def test_typing_y_or_a_in_the_reason_box_is_text_not_a_decision() -> None:
    app = ApprovalHost(EDIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await wait_out_key_guard(app.screen)
        await pilot.press("n", "a", "y", "n")
        await pilot.pause()
        assert isinstance(app.screen, ApprovalScreen)
        assert app.screen.query_one("#approval-reason", Input).value == "ayn"
        assert app.results == []
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ApprovalDecision("denied", "ayn")]


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("#approve", ApprovalDecision("approved")),
        ("#approve-session", ApprovalDecision("approved_session")),
        ("#deny", ApprovalDecision("denied", None)),
    ],
)
async def test_buttons_return_each_decision(button: str, expected: ApprovalDecision) -> None:
    app = ApprovalHost(EDIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await wait_out_key_guard(app.screen)
        await pilot.click(button)
        await pilot.pause()
    assert app.results == [expected]


async def test_deny_button_sends_the_typed_reason() -> None:
    app = ApprovalHost(EDIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#approval-reason", Input).value = "not this file"
        await wait_out_key_guard(app.screen)
        await pilot.click("#deny")
        await pilot.pause()
    assert app.results == [ApprovalDecision("denied", "not this file")]


async def test_a_second_key_press_does_not_decide_twice() -> None:
    app = ApprovalHost(EDIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        screen.action_approve()
        screen.action_deny()
        await pilot.pause()
        assert app.screen is not screen
    assert app.results == [ApprovalDecision("approved")]


async def test_shows_tool_name_path_and_the_diff() -> None:
    app = ApprovalHost(EDIT)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "edit_file" in _text(screen.query_one("#approval-title", Label))
        assert "src/app.py" in _text(screen.query_one("#approval-target", Label))
        shown = _text(screen.query_one("#approval-preview-body", Static))
        assert '-print("hello")' in shown
        assert '+print("hello, world")' in shown
        assert "@@ -1,4 +1,4 @@" in shown


async def test_shows_the_command_and_its_working_directory() -> None:
    app = ApprovalHost(COMMAND)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "run_command" in _text(screen.query_one("#approval-title", Label))
        assert not screen.query("#approval-target")  # shown once, in the preview below
        shown = _text(screen.query_one("#approval-preview-body", Static))
        assert "$ pytest -q tests/unit" in shown
        assert "cwd: /home/dev/project" in shown


async def test_without_a_preview_the_arguments_are_shown() -> None:
    request = ApprovalRequest(call_id="c", tool_name="write_file", input={"path": "a.txt", "content": "hi"})
    app = ApprovalHost(request)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = _text(app.screen.query_one("#approval-preview-body", Static))
        assert '"content": "hi"' in shown


def test_snapshot_approval_dialog_with_diff(snap_compare: Any) -> None:
    assert snap_compare(ApprovalHost(EDIT), terminal_size=(100, 30))


def test_snapshot_approval_dialog_with_command(snap_compare: Any) -> None:
    assert snap_compare(ApprovalHost(COMMAND), terminal_size=(100, 30))


async def test_api_keys_in_the_preview_are_hidden() -> None:
    key = "sk-proj-" + "Zz09Yy18Xx27" * 3
    request = ApprovalRequest(
        call_id="c",
        tool_name="run_command",
        input={"command": f"OPENAI_API_KEY={key} python run.py"},
        preview=f"$ OPENAI_API_KEY={key} python run.py\ncwd: /w",
    )
    app = ApprovalHost(request)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = _text(app.screen.query_one("#approval-preview-body", Static))
        shown += "".join(_text(label) for label in app.screen.query(Label))
        assert key not in shown
        assert "[REDACTED]" in shown
        assert "python run.py" in shown


async def test_a_long_diff_scrolls_and_the_buttons_stay_on_a_small_screen() -> None:
    lines = "".join(f"-line {i}\n+line {i}!\n" for i in range(60))
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1,60 +1,60 @@\n" + lines
    request = ApprovalRequest(call_id="c", tool_name="write_file", input={"path": "x.py"}, preview=diff)
    app = ApprovalHost(request)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        preview = screen.query_one("#approval-preview")
        assert screen.focused is preview  # arrows and page keys scroll the diff, Enter decides nothing
        for button in ("#approve", "#approve-session", "#deny"):
            region = screen.query_one(button).region
            assert region.bottom <= 24 and region.height > 0
        await pilot.press("end")
        await pilot.pause()
        assert preview.scroll_y > 0
        await wait_out_key_guard(screen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        await wait_out_key_guard(screen)
        await pilot.press("ctrl+a")
        await pilot.pause()
    assert app.results == [ApprovalDecision("approved_session")]
