"""Scrolling by keys that lands at once: one page per PageUp/PageDown, however fast they come.

Textual's own page keys animate from the position the view has reached so far, and the scroll waits
for the next refresh: a press during the animation, or several in one read from the terminal, started
from the same row and were lost (five PageUps scrolled one page), and a page down after a page up could
end a row short. Here each press moves the view a whole page from where the last one put it, without
animation; Home/End jump at once too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.containers import VerticalScroll

if TYPE_CHECKING:
    from textual.widget import Widget

    _Scrolling = Widget
else:
    _Scrolling = object  # not a Widget: Textual takes a widget's CSS from its first Widget base


class KeyScrolling(_Scrolling):
    """Mix in before a scrolling widget (``class X(KeyScrolling, VerticalScroll)``)."""

    def _scroll_now(self, y: float) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        # A wheel scroll still gliding lands where it was going first: pages count from there.
        self.app.animator.force_stop_animation(self, "scroll_y")
        self.scroll_to(y=y, animate=False, immediate=True)

    def action_page_up(self) -> None:
        self._scroll_now(self.scroll_y - self.scrollable_content_region.height)

    def action_page_down(self) -> None:
        self._scroll_now(self.scroll_y + self.scrollable_content_region.height)

    def action_scroll_home(self) -> None:
        self._scroll_now(0)

    def action_scroll_end(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.app.animator.force_stop_animation(self, "scroll_y")
        self.scroll_end(animate=False, immediate=True)  # and follow what comes next, as at the bottom


class KeyScroll(KeyScrolling, VerticalScroll):
    """A ``VerticalScroll`` whose keys scroll at once (see the module docstring)."""
