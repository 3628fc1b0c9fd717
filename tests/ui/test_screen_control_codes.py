"""What a model, a tool or an endpoint writes reaches the screen as text, never as terminal control: an
escape sequence in it could recolour or hide what is drawn, retitle the window or write the clipboard
(OSC 52). The whole screen is read back, every widget's lines, for any control character."""

from __future__ import annotations

import re
from typing import Any

from textual.widget import Widget
from textual.widgets import Input
from ui_pilot import SIZE, send, wait_until

# Escape, the C1 controls (8-bit CSI, OSC...) and the C0 ones a terminal acts on; Textual draws no
# control character in a line's text, its styles are not text.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
RED = "\x1b[31mred\x1b[0m"
TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;ZWNobw==\x07"


def control_on_screen(widgets: list[Widget]) -> list[tuple[str, str]]:
    found = []
    for widget in widgets:
        for y in range(widget.region.height):
            try:
                text = "".join(segment.text for segment in widget.render_line(y))
            except Exception:  # a line a widget does not draw alone (containers)
                continue
            if CONTROL.search(text):
                found.append((type(widget).__name__, text.strip()))
    return found


async def test_control_codes_from_outside_are_not_drawn(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    (app.workspace / "notes.txt").write_text(f"file says {RED} and {TITLE}\n")
    fake_api.queue_anthropic_tool_use(
        [("toolu_1", "read_file", {"path": "notes.txt", "why": f"look {CLIPBOARD}"})],
        text=f"Reading {RED} now.",
        thinking=f"think {TITLE} about it",
    )
    fake_api.queue_anthropic_text(f"The answer: {RED}, {TITLE}, `code {CLIPBOARD}`\n\n- item {RED}")
    async with app.run_test(size=SIZE) as pilot:
        answer = await send(pilot, app, "read notes.txt")
        assert "The answer:" in answer.text
        for view in app.conversation.chat.query("ThinkingView"):
            view.collapsed = False
        await pilot.press("ctrl+t")  # the inspector, its call selected: arguments and result
        await wait_until(pilot, lambda: app.conversation.inspector.display)
        await pilot.pause(0.3)
        found = control_on_screen(list(app.screen.walk_children()))
        assert found == [], "\n".join(map(repr, found))
        assert "red" in answer.rendered_text if hasattr(answer, "rendered_text") else True


async def test_an_approval_shows_control_codes_as_nothing() -> None:
    from test_approval import ApprovalHost

    from flux_tui.core.protocols import ApprovalRequest

    diff = f"--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new {RED} {CLIPBOARD}\n"
    command = {"command": f"echo {TITLE}", "path": f"x{RED}.py"}
    request = ApprovalRequest(call_id="c", tool_name="run_command", input=command, preview=diff)
    app = ApprovalHost(request)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        found = control_on_screen(list(app.screen.walk_children()))
        assert found == [], "\n".join(map(repr, found))


async def test_the_sessions_browser_draws_a_stored_sessions_text_only(sandbox: Any, fake_api: Any) -> None:
    # An imported session's title and messages are anyone's text.
    import sessions_rig as rig

    config = rig.sandbox_config(fake_api)
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [(f"ask {RED} zebrafish", f"the zebrafish {TITLE} answer")])
        store.rename(session_id, f"title {CLIPBOARD} here")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            found = control_on_screen(list(screen.walk_children()))
            assert found == [], "\n".join(map(repr, found))
            await pilot.press("slash", *"zebrafish", "enter")
            await wait_until(pilot, lambda: len(screen.sessions) == 1)
            await pilot.pause(0.3)
            found = control_on_screen(list(screen.walk_children()))
            assert found == [], "\n".join(map(repr, found))
            await pilot.press("f2")  # rename: the field starts with the title as it is drawn
            field = screen.query_one("#sessions-rename", Input)
            await wait_until(pilot, lambda: field.display and field.value)
            assert not CONTROL.search(field.value) and field.value.startswith("title ")
    finally:
        rig.close(app)


async def test_a_comparison_draws_the_answers_as_text_only() -> None:
    from textual.app import App, ComposeResult

    from flux_tui.compare.figures import RunFigures, TurnFigures
    from flux_tui.compare.output import to_table
    from flux_tui.ui.screens.compare_screen import RunColumn

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield RunColumn("openai:gpt-4o")

    app = Host()
    async with app.run_test(size=(80, 20)) as pilot:
        column = app.query_one(RunColumn)
        column.start_turn(1, f"ask {RED}")
        await pilot.pause()
        column.add_text(f"answer {TITLE} {CLIPBOARD}")
        column.end_step()  # a tool call: the reply after it is a paragraph of its own
        column.add_text("then this")
        failed = TurnFigures("ask", error=f"rejected the request (400): {RED} {TITLE}")
        column.show_figures(RunFigures("openai", "gpt-4o", [failed]))
        await pilot.pause()
        found = control_on_screen(list(app.screen.walk_children()))
        assert found == [], "\n".join(map(repr, found))
        assert column.answer.endswith(" \n\nthen this") or column.answer.endswith("\n\nthen this")
        asked = TurnFigures(f"ask {RED}", answer=CLIPBOARD * 9)
        table = to_table("s", [RunFigures("openai", "gpt-4o", [asked])])
        assert not CONTROL.search(table.replace("\n", ""))


async def test_a_model_name_with_control_codes_is_not_offered(make_app: Any, fake_api: Any) -> None:
    fake_api.anthropic_models = ["claude-sonnet-4-6", f"evil{RED}", "claude-haiku-4-5-20251001"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "claude-haiku-4-5-20251001" in app.models)
        assert not any(CONTROL.search(model) for model in app.models), app.models
