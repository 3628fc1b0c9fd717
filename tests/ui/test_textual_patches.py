"""The Textual fix in ``ui/textual_patches``: a style cache is not kept alive by a colour lookup."""

from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.color import Color

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the patch)
from flux_tui.ui import textual_patches


def test_style_caches_are_released_after_their_colours_were_looked_up() -> None:
    caches = [StylesCache() for _ in range(20)]
    for cache in caches:
        inner, outer = cache.get_inner_outer(Color(10, 20, 30), Color(200, 0, 0, 0.5))
        assert inner.background is not None and outer.background == Color(10, 20, 30)
    refs = [weakref.ref(cache) for cache in caches]
    del caches, cache
    gc.collect()
    alive = sum(ref() is not None for ref in refs)
    assert alive == 0, f"{alive} of 20 style caches (and the lines they hold) outlived their widgets"


def test_apply_is_idempotent() -> None:
    assert textual_patches.apply() is False  # the app module applied it at import
