"""The theme chosen in the palette is remembered across starts, and answers, code, diffs and JSON take
their colours from the current theme (and change with it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.color import Color as RichColor
from rich.console import Console
from textual.color import Color
from ui_pilot import SIZE, send, wait_until

from flux_tui.core.protocols import ApprovalRequest
from flux_tui.core.redact import Redactor
from flux_tui.ui import format as fmt
from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.approval import preview_renderable
from flux_tui.ui.theme_colors import code_theme
from flux_tui.ui.theming import STATE_FILE

ANSWER = "# Reading files\n\nUse `pathlib`:\n\n```python\nprint('hi')\n```\n"
DIFF = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old = 1\n+new = 2\n"


def variable(app: FluxApp, name: str) -> RichColor:
    return Color.parse(app.get_css_variables()[name]).rich_color


def heading_color(app: FluxApp) -> RichColor | None:
    chunk = app.conversation.chat.answers[-1].chunks[0]
    line = chunk.lines(chunk.content_size.width)[0]
    styled = [seg for seg in line if "Reading files" in seg.text]
    assert styled and styled[0].style is not None
    return styled[0].style.color


def styles_of(renderable: Any, text: str) -> list[RichColor | None]:
    console = Console(width=60, color_system="truecolor")
    segments = console.render(renderable, console.options)
    return [seg.style.color for seg in segments if seg.style and text in seg.text]


async def test_the_chosen_theme_is_remembered(make_app: Callable[..., FluxApp], sandbox: Path) -> None:
    app = make_app()
    state = app.config.config_path / STATE_FILE
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "nord"  # what the palette's "Change theme" does
        await wait_until(pilot, state.exists)
    assert json.loads(state.read_text())["theme"] == "nord"

    again = make_app()
    assert again.theme == "nord"  # set before the first frame
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_a_bad_state_file_or_unknown_theme_is_ignored(make_app: Callable[..., FluxApp]) -> None:
    app = make_app()
    state = app.config.config_path / STATE_FILE
    for text in ("{not json", '"a string"', '{"theme": "no-such-theme"}', '{"theme": 3}'):
        state.write_text(text)
        app = make_app()
        assert app.theme == "textual-dark", text
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "gruvbox"
        await wait_until(pilot, lambda: "gruvbox" in state.read_text())
    assert json.loads(state.read_text()) == {"theme": "gruvbox"}


async def test_answers_take_the_colours_of_the_theme(make_app: Callable[..., FluxApp], fake_api: Any) -> None:
    fake_api.queue_anthropic_text(ANSWER)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "How do I read a file?")
        await pilot.pause()
        assert heading_color(app) == variable(app, "markdown-h1-color")
        before = heading_color(app)

        app.theme = "gruvbox"
        await wait_until(pilot, lambda: heading_color(app) == variable(app, "markdown-h1-color"))
        assert heading_color(app) != before
        # The code block too: a Pygments style of the theme's colours, on its panel colour.
        chunk = app.conversation.chat.answers[-1].chunks[0]
        lines = chunk.lines(chunk.content_size.width)
        code = [seg for line in lines for seg in line if seg.text.strip("'") == "hi"]
        assert code and code[0].style is not None and code[0].style.color == variable(app, "success")


async def test_diffs_and_json_take_the_colours_of_the_theme(make_app: Callable[..., FluxApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for theme in ("textual-dark", "catppuccin-latte"):
            app.theme = theme
            await pilot.pause()
            colours = code_theme(app)
            assert styles_of(fmt.diff_syntax(DIFF, colours), "+new") == [variable(app, "success")]
            assert styles_of(fmt.diff_syntax(DIFF, colours), "-old") == [variable(app, "error")]
            json_args = fmt.json_syntax({"path": "x.py"}, colours)
            assert styles_of(json_args, '"x.py"') == [variable(app, "success")]
            request = ApprovalRequest(call_id="c1", tool_name="edit_file", input={}, preview=DIFF)
            preview = preview_renderable(request, Redactor(()), code_theme(app))
            assert styles_of(preview, "+new") == [variable(app, "success")]
