"""The side panels (tool inspector, cost sidebar) and the room the conversation keeps beside them.

Panels are shown at their full widths while the chat keeps ``CHAT_MIN`` columns; with less room they
narrow to their minimum widths, then the panel opened last is kept and the other one hidden. On a
terminal too narrow for even one panel beside ``CHAT_MIN`` columns (under 88 columns) a panel is
shown only when the user opens it with its key, at most half the width; the sidebar, open by
default, stays closed there until asked for. Growing the terminal again brings back what was open.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.containers import Horizontal
from textual.widget import Widget

CHAT_MIN = 60  # columns the conversation keeps before a panel narrows or hides


@dataclass(frozen=True, slots=True)
class PanelSize:
    width: int  # what the panel gets when there is room
    min_width: int  # below this its content no longer reads


INSPECTOR = PanelSize(60, 36)
SIDEBAR = PanelSize(36, 28)


def fit(width: int, wanted: list[tuple[str, PanelSize]], asked: str | None = None) -> dict[str, int]:
    """The panels to show and their widths, for a terminal ``width`` columns wide.

    ``wanted``: the open panels, the one opened last at the end; ``asked``: the panel the user opened
    with its key, shown (at most half the width) even when no panel fits beside ``CHAT_MIN`` columns.
    """
    room = width - CHAT_MIN
    shown: list[tuple[str, PanelSize]] = []
    for name, size in reversed(wanted):  # the panel opened last has the first claim
        if sum(s.min_width for _, s in shown) + size.min_width <= room:
            shown.append((name, size))
    if not shown:
        sizes = dict(wanted)
        if asked in sizes:
            return {asked: min(sizes[asked].width, width // 2)}
        return {}
    widths = {name: size.min_width for name, size in shown}
    spare = room - sum(widths.values())
    for name, size in shown:
        grow = min(spare, size.width - size.min_width)
        widths[name] += grow
        spare -= grow
    return widths


class SidePanels:
    """Which side panels are open, laid out for the terminal's width (``layout``)."""

    def __init__(self, panels: dict[str, tuple[Widget, PanelSize]], open_panels: list[str]) -> None:
        self._panels = panels
        self.wanted = list(open_panels)  # open panels, the one opened last at the end
        self.asked: str | None = None  # the panel the user opened last by its key
        self._width = 0

    def is_open(self, name: str) -> bool:
        return name in self.wanted

    def toggle(self, name: str) -> None:
        """The panel's key: close it if it is on screen, else open it (even on a narrow terminal)."""
        widget, _ = self._panels[name]
        if widget.display:
            self.set_open(name, False)
        else:
            self.asked = name
            self.set_open(name, True)

    def set_open(self, name: str, on: bool = True) -> None:
        if name in self.wanted:
            self.wanted.remove(name)
        if on:
            self.wanted.append(name)
        elif self.asked == name:
            self.asked = None
        self.layout(self._width)

    def layout(self, width: int) -> None:
        self._width = width
        if width <= 0:
            return
        wanted = [(name, self._panels[name][1]) for name in self.wanted]
        widths = fit(width, wanted, self.asked)
        for name, (widget, _) in self._panels.items():
            shown = name in widths
            if shown:
                widget.styles.width = widths[name]
            widget.display = shown


class PanelRow(Horizontal):
    """The row of the conversation and the side panels; lays the panels out for the width it gets.

    Its own resize, not the app's: the app learns the terminal's new size before the screen is laid
    out again, and panels sized for the new width in a screen still at the old one left the chat 0
    columns (a frame Textual's prompt cannot draw)."""

    def __init__(self, panels: SidePanels, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.panels = panels

    def on_resize(self, event: events.Resize) -> None:
        self.panels.layout(event.size.width)
