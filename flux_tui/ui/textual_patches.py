"""Fixes for two Textual 8 bugs that made a long conversation slower and heavier than it has to be.

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
    return patched

