"""Each Textual fix applies only where the installed Textual has the bug it answers: the minor series it
was checked on and the method's parameters as they were read. On the pinned Textual the bugs are there
without the fixes (so the fixes are still needed); elsewhere nothing is patched and the log says why."""

from __future__ import annotations

import gc
import logging
import weakref
from functools import lru_cache
from typing import Any

import pytest
from textual import events
from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widgets import Static

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the patches)
from flux_tui.ui import textual_patches
from flux_tui.ui.paste_guard import guarded_feed, splits_a_paste

LOGGER = "flux_tui.ui.textual_patches"


@pytest.fixture
def unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's own methods back in place (restored to the patched ones after the test)."""
    for patch in textual_patches.PATCHES:
        monkeypatch.setattr(patch.owner, patch.attribute, patch.original)
    monkeypatch.setattr(textual_patches, "_skipped", set())


def _applied() -> list[str]:
    return [
        patch.name
        for patch in textual_patches.PATCHES
        if getattr(patch.owner, patch.attribute) is patch.replacement
    ]


def test_the_pin_and_the_checked_series_agree() -> None:
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    major, minor = textual_patches.CHECKED_ON
    assert f"textual>={major}.{minor},<{major}.{minor + 1}" in pyproject["project"]["dependencies"]


def test_every_patch_applies_to_the_installed_textual(unpatched: None) -> None:
    assert all(textual_patches.why_not(patch) is None for patch in textual_patches.PATCHES)
    assert textual_patches.apply() is True
    assert _applied() == [patch.name for patch in textual_patches.PATCHES]
    assert textual_patches.apply() is False


def test_every_patch_says_which_upstream_issue_it_answers() -> None:
    upstream = {patch.name: patch.upstream for patch in textual_patches.PATCHES}
    assert upstream["style cache leak"] == "https://github.com/Textualize/textual/issues/6665"
    assert all(upstream.values())


def test_another_textual_series_is_left_alone_and_the_log_says_why(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(textual_patches, "textual_version", lambda: "8.3.0")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert textual_patches.apply() is False
        assert textual_patches.apply() is False  # logged once, not on every call
    assert _applied() == []
    lines = [record.getMessage() for record in caplog.records if record.name == LOGGER]
    assert len(lines) == len(textual_patches.PATCHES)
    assert all("Textual 8.3.0 is not the 8.2 series" in line for line in lines)
    assert any("textual/issues/6665" in line for line in lines)


def test_a_method_whose_parameters_changed_is_left_alone(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def reflow(self: Compositor, parent: Any, size: Any, visible_only: bool = False) -> Any:
        raise AssertionError("not called here")

    monkeypatch.setattr(Compositor, "reflow", reflow)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert textual_patches.apply() is True  # the other two still apply
    assert Compositor.reflow is reflow
    assert _applied() == [
        "style cache leak",
        "second layout from the sizes of a full layout",
        "a paste broken into keys at an escape character",
    ]
    assert "visible_only" in caplog.text and "full map left stale after reflow" in caplog.text


def test_a_method_textual_has_fixed_is_left_alone(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def get_inner_outer(cls: type, base_background: Color, background: Color) -> Any:
        raise AssertionError("not called here")

    fixed = classmethod(lru_cache(1024)(get_inner_outer))
    monkeypatch.setattr(StylesCache, "get_inner_outer", fixed)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        textual_patches.apply()
    assert "style cache leak" not in _applied()
    assert "no longer has the bug" in caplog.text


def test_without_the_patch_the_installed_textual_breaks_a_paste_at_an_escape(unpatched: None) -> None:
    parser = XTermParser()
    tokens = [*parser.feed("\x1b[200~one\x1b[1m\rtwo\x1b[201~"), *parser.feed("")]
    keys = [token.key for token in tokens if isinstance(token, events.Key)]
    assert "enter" in keys  # the bug the patch answers is still there: the pasted CR is an Enter
    assert splits_a_paste(XTermParser.feed)


def test_a_parser_that_keeps_a_paste_whole_is_left_alone(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def feed(self: XTermParser, data: str) -> Any:
        return guarded_feed(self, data)  # what a Textual with the bug fixed would do

    monkeypatch.setattr(XTermParser, "feed", feed)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        textual_patches.apply()
    assert XTermParser.feed is feed
    assert "XTermParser.feed no longer has the bug" in caplog.text


def test_without_the_patch_the_installed_textual_leaks_style_caches(unpatched: None) -> None:
    caches = [StylesCache() for _ in range(5)]
    for cache in caches:
        cache.get_inner_outer(Color(1, 2, 3), Color(200, 0, 0, 0.5))
    refs = [weakref.ref(cache) for cache in caches]
    del caches, cache
    gc.collect()
    assert sum(ref() is not None for ref in refs) == 5  # the bug the patch answers is still there
    StylesCache.get_inner_outer.cache_clear()  # type: ignore[attr-defined]


class _LongChat(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for n in range(60):
                yield Static(f"line {n}", id=f"line-{n}")


async def test_without_the_patch_a_layout_pass_lays_everything_out_twice(
    unpatched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _LongChat()
    async with app.run_test(size=(40, 10)) as pilot:
        chat = app.query_one(VerticalScroll)
        chat.scroll_end(animate=False)
        await pilot.pause()
        full_layouts: list[str] = []
        arrange = Compositor._arrange_root

        def counting(self: Compositor, root: Any, size: Any, visible_only: bool = True) -> Any:
            if not visible_only:
                full_layouts.append("arrange")
            return arrange(self, root, size, visible_only)

        monkeypatch.setattr(Compositor, "_arrange_root", counting)
        chat.mount(Static("one more line"))
        await pilot.pause()
        assert app.query_one("#line-0", Static).region.height == 1
        assert full_layouts.count("arrange") >= 2  # the bug the patch answers is still there


async def test_without_the_patch_grown_content_asks_for_a_second_layout(
    unpatched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.screen import Screen

    app = _LongChat()
    async with app.run_test(size=(40, 10)) as pilot:
        app.query_one(VerticalScroll).anchor()
        last = app.query_one("#line-59", Static)
        await pilot.pause(0.2)
        layouts: list[int] = []
        refresh_layout = Screen._refresh_layout

        def counting(self: Screen, *args: Any, **kwargs: Any) -> None:
            layouts.append(1)
            refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        last.update("line 59\nand a second line\nand a third")
        await pilot.pause(0.3)
        assert len(layouts) >= 2  # the bug the patch answers is still there
