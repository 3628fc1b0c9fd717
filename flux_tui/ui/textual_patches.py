"""A fix for a Textual 8 bug that kept every widget's rendered lines alive after the widget was gone.

``StylesCache.get_inner_outer`` is written as a class method (its first parameter is ``cls``) but is not
declared one, so its ``lru_cache(1024)`` is keyed on the ``StylesCache`` instance: the cache keeps the
last 1,024 widgets' style caches, with every line they drew (``Strip`` objects and their own caches),
whether or not the widgets still exist. In a long conversation that was about 0.4 MB more for each
exchange, folded turns included. The colours are all the result depends on, so they are all the cache
is keyed on here. ``apply()`` is idempotent and does nothing once Textual declares the method properly.
"""

from __future__ import annotations

import inspect
from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(_self: object, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> bool:
    """Patch ``StylesCache`` if it still has the bug; returns whether it was patched now."""
    current = inspect.getattr_static(StylesCache, "get_inner_outer")
    if current is _get_inner_outer or isinstance(current, classmethod | staticmethod):
        return False
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
    return True

