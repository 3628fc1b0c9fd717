"""Helpers for the markup-safety pilot tests: markup-like text, and what the app shows, as plain text."""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable
from ui_pilot import plain, wait_until

from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.sessions import SessionsScreen

PATH = "src/[id]/page.tsx"
SED = "sed 's/[/]/_/g'"
# Each read as markup, it would crash ("[/]"), vanish ("[bold]", "[link=x]"), turn into an action
# ("[@click=app.quit]") or take a path apart ("src/[id]/page.tsx" -> "src//page.tsx").
PIECES = ("[/]", "[bold]x[/bold]", "[red", PATH, "[@click=app.quit]", "[link=x]")
TRICKY = " ".join(PIECES)
TITLE = f"[/] [bold]x[/bold] {PATH} [link=x]"  # short enough to stay a whole session title

_EDGES = re.compile(r"^[\s█▌▐│┃▊▎]+|[\s█▌▐│┃▊▎]+$", re.MULTILINE)


def squeezed(text: str) -> str:
    """``text`` without whitespace or the border drawn at the ends of its lines: what a wrapped widget
    shows, whatever its width."""
    return "".join(_EDGES.sub("", text).split())


def assert_shows(shown: str, *pieces: str) -> None:
    missing = [piece for piece in pieces or PIECES if squeezed(piece) not in squeezed(shown)]
    assert not missing, f"not shown literally: {missing}\n--- shown ---\n{shown}"


def screen_text(app: FluxApp) -> str:
    """The whole screen as plain text (what ``export_screenshot`` draws, without the SVG)."""
    console = Console(width=app.size.width, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def toasts(app: FluxApp) -> str:
    """The notifications on screen (``run_test(notifications=True)`` shows them)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def detail(screen: SessionsScreen) -> str:
    return str(screen.query_one("#sessions-detail").render())


def table_text(table: DataTable[Any]) -> str:
    return plain(table, width=max(table.virtual_size.width, table.size.width))


async def show_call(pilot: Pilot[Any], app: FluxApp, call_id: str) -> str:
    """The inspector's detail pane for one call: header, arguments, result, diff."""
    app.conversation.inspector.select(call_id)
    await wait_until(pilot, lambda: app.conversation.inspector.selected_call_id == call_id)
    await pilot.pause()
    return "\n".join(
        plain(part) for part in app.conversation.inspector.query("#tool-detail > Static") if part.display
    )
