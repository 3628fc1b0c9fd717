"""The approval dialog and keys not meant for it: typed ahead, in flight, in a burst, or a reason typed
at once. None of them approves; only a key pressed by itself, once the dialog is on screen, answers."""

from __future__ import annotations

from math import inf
from pathlib import Path
from typing import Any

from key_guard_support import deliver, key_event, type_at_once, typed_as_it_opened, wait_out_key_guard
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static
from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest
from flux_tui.ui.screens.approval import ApprovalScreen
from flux_tui.ui.screens.key_guard import IGNORED_NOTE
from flux_tui.ui.widgets.chat_items import ToolCallLine

COMMAND = ApprovalRequest(
    call_id="call_1",
    tool_name="run_command",
    input={"command": "rm -rf build"},
    preview="$ rm -rf build\ncwd: /home/dev/project",
)


class Host(App[None]):
    """Shows the dialog when asked (``open``) and keeps what it returned."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[ApprovalDecision | None] = []

    def compose(self) -> ComposeResult:
        yield Label("main screen")

    def open(self) -> ApprovalScreen:
        screen = ApprovalScreen(COMMAND)
        self.push_screen(screen, self.results.append)
        return screen


def _hints(screen: ApprovalScreen) -> str:
    return str(screen.query_one(".key-hints", Static).content)


async def _open_and_read(pilot: Pilot[Any], app: Host) -> ApprovalScreen:
    screen = app.open()
    await pilot.pause()
    await wait_out_key_guard(screen)
    return screen


async def test_a_burst_arriving_as_the_dialog_opens_answers_nothing() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.open()
        await pilot.press(*"yay n")
        await pilot.pause()
        assert app.screen is screen and app.results == []
        assert screen.query_one("#approval-reason", Input).value == ""
        assert _hints(screen) == IGNORED_NOTE  # says why nothing happened
        await wait_out_key_guard(screen)
        await pilot.press("y")  # one key, by itself, once the dialog is read
        await pilot.pause()
    assert app.results == [ApprovalDecision("approved")]


async def test_keys_sent_before_the_dialog_was_drawn_never_answer_it() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        typed_ahead = [key_event(key) for key in ("y", "ctrl+a", "escape")]  # on their way already
        screen = app.open()
        await pilot.pause()
        await wait_out_key_guard(screen)  # however late they are handled, they were typed before
        deliver(app, typed_ahead)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen and app.results == []


async def test_a_burst_long_after_the_dialog_opened_is_still_typing() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open_and_read(pilot, app)
        type_at_once(app, "ok then yes")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen and app.results == []
        await wait_out_key_guard(screen)  # the typing stopped: the next key is meant
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [ApprovalDecision("approved")]


async def test_approval_for_the_session_is_never_a_plain_key() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open_and_read(pilot, app)
        for key in ("a", "A", "enter"):  # the preview has the focus: none of them decides
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen and app.results == [], key
            await wait_out_key_guard(screen)
        await pilot.press("ctrl+a")
        await pilot.pause()
    assert app.results == [ApprovalDecision("approved_session")]


async def test_a_reason_typed_at_once_after_n_arrives_whole() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_and_read(pilot, app)
        type_at_once(app, ["n", *"yes any way but not now", "enter"])
        await wait_until(pilot, lambda: app.results)
    assert app.results == [ApprovalDecision("denied", "yes any way but not now")]


async def test_every_key_in_the_reason_box_is_text_even_in_the_guard() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open_and_read(pilot, app)
        await pilot.press("tab")  # from the preview to the reason box
        type_at_once(app, "ya n")
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#approval-reason", Input).value == "ya n"
        assert app.results == []
        await pilot.press("backspace", "enter")
        await pilot.pause()
    assert app.results == [ApprovalDecision("denied", "ya")]


async def test_a_click_as_the_dialog_opens_is_ignored() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.open()
        await pilot.pause()
        await pilot.click("#approve")  # a click meant for what was under the pointer a moment ago
        await pilot.pause()
        assert app.screen is screen and app.results == []
        await wait_out_key_guard(screen)
        await pilot.click("#approve-session")
        await pilot.pause()
    assert app.results == [ApprovalDecision("approved_session")]


async def test_scrolling_keys_work_at_once() -> None:
    lines = "".join(f"-line {i}\n+line {i}!\n" for i in range(60))
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1,60 +1,60 @@\n" + lines
    request = ApprovalRequest(call_id="c", tool_name="write_file", input={"path": "x.py"}, preview=diff)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ApprovalScreen(request)
        app.push_screen(screen, app.results.append)
        await pilot.pause()
        await pilot.press("end")  # reading the diff is not answering it
        await pilot.pause()
        assert screen.query_one("#approval-preview").scroll_y > 0
        assert _hints(screen) != IGNORED_NOTE


async def test_typing_the_next_prompt_as_the_dialog_opens_neither_runs_the_command_nor_loses_the_reason(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    fake_api.queue_anthropic_tool_use([("toolu_c", "run_command", {"command": "touch ran.txt"})])
    fake_api.queue_anthropic_text("Fine, not running it.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "tidy the build")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalScreen) and app.screen.shown_at < inf)
        screen = app.screen
        # Still typing the next prompt as the dialog comes up. The keys carry the times they were typed
        # at: pressed by the test, a stall of the test (a loaded machine) would make the first a key
        # pressed alone, long after the dialog came up, which it rightly answers to.
        deliver(app, typed_as_it_opened(screen, "yay all good"))
        await pilot.pause()
        assert app.screen is screen
        assert _hints(screen) == IGNORED_NOTE  # they reached it, and it says it ignored them
        await wait_out_key_guard(screen)
        assert app.screen is screen  # nothing typed so far answered it
        reason = "yes, any day but not now"
        type_at_once(app, ["n", *reason, "enter"])
        await finish_turn(pilot, app)
        assert not (sandbox / "ran.txt").exists()
        line = next(iter(app.conversation.chat.query(ToolCallLine)))
        assert line.status == "denied"
        result = fake_api.last_request("/v1/messages").body["messages"][-1]["content"][0]
        assert result["tool_use_id"] == "toolu_c" and result.get("is_error") is True
        assert reason in str(result["content"])


async def test_tab_and_y_right_after_typing_a_reason_do_not_approve() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open_and_read(pilot, app)
        await pilot.press("n")
        await wait_out_key_guard(screen)
        await pilot.press(*"not yet", "tab", "y")  # the keys after the reason come in the same burst
        await pilot.pause()
        assert app.screen is screen and app.results == []
        assert screen.focused is screen.query_one("#approve")


async def test_escape_in_the_reason_box_keeps_what_was_typed() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_and_read(pilot, app)
        await pilot.press("n", *"wrong dir", "escape")
        await pilot.pause()
    assert app.results == [ApprovalDecision("denied", "wrong dir")]


async def test_a_reason_typed_at_once_after_n_with_a_backspace_in_it_is_kept_and_edited() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _open_and_read(pilot, app)
        type_at_once(app, ["n", *"reasonx", "backspace", *" A"])
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#approval-reason", Input).value == "reason A"
        await wait_out_key_guard(screen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.results)
    assert app.results == [ApprovalDecision("denied", "reason A")]
