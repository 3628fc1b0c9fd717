"""Textual's parsed CSS kept between runs (``ui.textual_css_cache``): a start that finds the file parses
nothing it holds and draws the same screen; any other file (another Textual, another Python, damaged) or
another theme is parsed as Textual parses; a Textual this was not checked on is left alone."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.css import stylesheet as stylesheet_module
from textual.css.stylesheet import Stylesheet
from ui_pilot import SIZE

from flux_tui.ui import textual_css_cache, textual_patches
from flux_tui.ui.textual_css_cache import FILE_NAME, CssCache


@pytest.fixture(autouse=True)
def textual_parses_after() -> Iterator[None]:
    yield
    textual_css_cache.uninstall()


async def _first_screen(make_app: Any) -> str:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The SVG's ids are numbered per export: everything else is what was drawn.
        return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every source Textual itself parses from now on."""
    parsed: list[str] = []
    real = stylesheet_module.parse

    def counting(scope: str, css: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(css)
        return real(scope, css, *args, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    return parsed


async def test_a_second_start_parses_nothing_and_draws_the_same_screen(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uncached = await _first_screen(make_app)
    first = textual_css_cache.install(tmp_path)
    assert first is not None
    parsed = _parses(monkeypatch)
    assert await _first_screen(make_app) == uncached
    assert parsed and first.hits == 0
    textual_css_cache.save()
    written = tmp_path / FILE_NAME
    assert stat.S_IMODE(written.stat().st_mode) == 0o600

    parsed.clear()
    second = textual_css_cache.install(tmp_path)
    assert second is not None
    assert await _first_screen(make_app) == uncached
    assert parsed == [] and second.hits > 0 and not second.added
    before = written.stat().st_mtime_ns
    textual_css_cache.save()  # nothing new: the file stays as it is
    assert written.stat().st_mtime_ns == before


def _filled(tmp_path: Path, stamp: tuple[Any, ...] = ("stamp",)) -> Stylesheet:
    cache = CssCache(tmp_path / FILE_NAME, stamp)
    stylesheet = Stylesheet(variables={"primary": "red"})
    cache.parse_rules(stylesheet, "Label { color: $primary; }", ("here", "Label"))
    cache.save()
    return stylesheet


def test_a_file_of_another_textual_or_python_is_not_used(tmp_path: Path) -> None:
    _filled(tmp_path, stamp=(1, "8.1.0", (3, 11)))
    cache = CssCache(tmp_path / FILE_NAME, (1, "8.2.0", (3, 11)))
    assert cache.entries == {}


def test_a_damaged_file_is_parsed_again_and_written_anew(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"not a pickle")
    cache = CssCache(tmp_path / FILE_NAME, ("stamp",))
    assert cache.entries == {}
    rules = cache.parse_rules(Stylesheet(), "Label { width: 3; }", ("here", "Label"))
    assert len(rules) == 1
    cache.save()
    assert len(CssCache(tmp_path / FILE_NAME, ("stamp",)).entries) == 1


def test_another_theme_is_parsed_with_its_own_colours(tmp_path: Path) -> None:
    _filled(tmp_path)
    cache = CssCache(tmp_path / FILE_NAME, ("stamp",))
    blue = Stylesheet(variables={"primary": "blue"})
    rules = cache.parse_rules(blue, "Label { color: $primary; }", ("here", "Label"))
    assert cache.hits == 0
    assert str(rules[0].styles.color) == str(_colour("blue"))


def test_a_source_with_errors_is_never_kept(tmp_path: Path) -> None:
    cache = CssCache(tmp_path / FILE_NAME, ("stamp",))
    rules = cache.parse_rules(Stylesheet(), "Label { colour: red; }", ("here", "Label"))
    assert any(rule.errors for rule in rules)
    assert cache.entries == {} and not cache.added


def test_a_textual_it_was_not_checked_on_parses_as_it_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual_patches, "version_read", lambda: "9.0.0")
    assert textual_css_cache.install(tmp_path) is None
    assert Stylesheet._parse_rules is textual_css_cache._ORIGINAL


def _colour(name: str) -> Any:
    from textual.color import Color

    return Color.parse(name)
