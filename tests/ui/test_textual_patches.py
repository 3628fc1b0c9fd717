"""The Textual fixes in ``ui/textual_patches``: a style cache is not kept alive by a colour lookup, a
layout pass lays the widgets out once, not twice, and the sizes it computes do not ask for another."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widgets import Static

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


class _LongChat(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for n in range(60):
                yield Static(f"line {n}", id=f"line-{n}")


async def test_regions_after_a_layout_pass_do_not_lay_everything_out_again(monkeypatch: Any) -> None:
    app = _LongChat()
    async with app.run_test(size=(40, 10)) as pilot:
        chat = app.query_one(VerticalScroll)
        chat.scroll_end(animate=False)  # a scroll marks the full map stale, as a following chat does
        await pilot.pause()
        full_layouts: list[str] = []
        arrange, reflow = Compositor._arrange_root, Compositor.reflow

        def counting(self: Compositor, root: Any, size: Any, visible_only: bool = True) -> Any:
            if not visible_only:
                full_layouts.append("arrange")
            return arrange(self, root, size, visible_only)

        def layout_pass(self: Compositor, parent: Any, size: Any) -> Any:
            full_layouts.append("pass")
            return reflow(self, parent, size)

        monkeypatch.setattr(Compositor, "_arrange_root", counting)
        monkeypatch.setattr(Compositor, "reflow", layout_pass)
        chat.mount(Static("one more line"))
        await pilot.pause()
        top = app.query_one("#line-0", Static)  # far above the view: only in the full map
        assert top.region.height == 1
        passes = full_layouts.count("pass")
        assert passes >= 1
        assert full_layouts.count("arrange") == passes, f"{full_layouts}: each pass lays out once"


async def test_content_that_grew_is_laid_out_once_not_again_in_a_second_frame(monkeypatch: Any) -> None:
    """A growing widget (a streaming answer) asks for one layout; the sizes that layout computes must
    not ask for another (Textual set ``virtual_size`` through its ``layout=True`` reactive)."""
    from textual.screen import Screen

    app = _LongChat()
    async with app.run_test(size=(40, 10)) as pilot:
        chat = app.query_one(VerticalScroll)
        chat.anchor()
        last = app.query_one("#line-59", Static)
        await pilot.pause(0.2)
        layouts: list[int] = []
        refresh_layout = Screen._refresh_layout

        def counting(self: Screen, *args: Any, **kwargs: Any) -> None:
            layouts.append(1)
            refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        last.update("line 59\nand a second line\nand a third")  # the answer grew: three lines now
        await pilot.pause(0.3)
        assert last.region.height == 3
        assert chat.max_scroll_y == chat.virtual_size.height - chat.container_size.height
        assert chat.scroll_y == chat.max_scroll_y  # still following the end
        assert len(layouts) == 1, f"{len(layouts)} layouts for one change"
