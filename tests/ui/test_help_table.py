"""Tables of the info panels keep a ``|`` inside a cell in the cell (``/budget [USD|off]`` in /help)."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from ui_pilot import SIZE, run_command, wait_until

from flux_tui.ui.commands import help_markdown
from flux_tui.ui.widgets.info_panel import InfoPanel


def _rows(markdown: str) -> list[list[str]]:
    """Each table row's cells as the info panels' Markdown parser reads them (the text they show)."""
    tokens = MarkdownIt("gfm-like").parse(markdown)
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append("".join(child.content for child in token.children or ()))
    return rows


def test_the_budget_row_of_help_has_two_cells() -> None:
    rows = _rows(help_markdown([("ctrl+j,shift+enter", "Newline | line break")]))
    budget = next(row for row in rows if "budget" in row[0])
    usage = "show spend against the budget; set it (0: every request asks) or off"
    assert budget == ["/budget [USD|off]", usage]
    assert all(len(row) == 2 for row in rows)
    assert rows[-1] == ["ctrl+j,shift+enter", "Newline | line break"]


async def test_help_shows_the_budget_usage_whole(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/help")
        await wait_until(pilot, lambda: app.conversation.chat.query(InfoPanel))
        await pilot.pause()
        app.conversation.chat.query_one(InfoPanel).scroll_visible(
            animate=False, top=True
        )  # the table starts the panel
        await pilot.pause()
        screen = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "/budget [USD|off]" in screen
