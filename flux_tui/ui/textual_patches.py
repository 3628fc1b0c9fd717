"""Fixes for three Textual 8 bugs that made a long conversation slower and heavier than it has to be.

1. ``StylesCache.get_inner_outer`` is written as a class method (its first parameter is ``cls``) but is not
declared one, so its ``lru_cache(1024)`` is keyed on the ``StylesCache`` instance: the cache keeps the
last 1,024 widgets' style caches, with every line they drew (``Strip`` objects and their own caches),
whether or not the widgets still exist. In a long conversation that was about 0.4 MB more for each
exchange, folded turns included. The colours are all the result depends on, so they are all the cache
is keyed on here (a no-op once Textual declares the method properly).

2. ``Compositor.reflow`` lays out every widget (``visible_only=False``) and keeps the result as its
full map, but leaves the map marked stale: the first widget asked for its region afterwards (Textual
asks during the same layout pass, for widgets whose size changed) made the compositor lay out every
widget a second time. In a chat that means every widget of every turn on screen, twice per frame in
which an answer grew: measured, 6 ms of a 24 ms layout 35 exchanges into a session. The map is marked
fresh once ``reflow`` has built it.

3. After a full layout, ``Screen._refresh_layout`` hands each widget the sizes it has just computed with
``Widget._size_updated(..., layout=True)``, which sets ``virtual_size`` through its reactive, declared
with ``layout=True``: every widget whose content grew asks for the layout that has just been done. A
streaming answer grows on every beat, so each beat drew a second frame about 40 ms after the first
(a whole layout and a repaint of the chat, 4 ms, for nothing on screen). The partial-layout path of the
same method passes ``layout=False``; so does this patch for the full one. Nothing watches
``virtual_size``, and the scrollbars are updated as before (``_scroll_update``).

``apply()`` is idempotent.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any

from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style
from textual.widget import Widget


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(_self: object, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


_original_reflow = Compositor.reflow


def _reflow(self: Compositor, parent: Any, size: Any) -> Any:
    result = _original_reflow(self, parent, size)
    self._full_map_invalidated = False  # the full map was just built
    return result


_original_size_updated = Widget._size_updated


def _size_updated(
    self: Widget, size: Any, virtual_size: Any, container_size: Any, layout: bool = True
) -> bool:
    return _original_size_updated(self, size, virtual_size, container_size, layout=False)


def apply() -> bool:
    """Patch what still has the bugs; returns whether anything was patched now."""
    patched = False
    current = inspect.getattr_static(StylesCache, "get_inner_outer")
    if current is not _get_inner_outer and not isinstance(current, classmethod | staticmethod):
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
        patched = True
    if Compositor.reflow is not _reflow:
        Compositor.reflow = _reflow  # type: ignore[method-assign]
        patched = True
    if Widget._size_updated is not _size_updated:
        Widget._size_updated = _size_updated  # type: ignore[method-assign]
        patched = True
    return patched

