"""The full-screen app parses its CSS through the cache in the user cache dir (``textual_css_cache``)
while it runs; once it has quit, what it parsed is written there and Textual parses as it does again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from textual.css.stylesheet import Stylesheet

import flux_tui.ui.launch as launching
from flux_tui.ui import textual_css_cache


@pytest.fixture
def config(sandbox: Path, fake_api: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return rig.sandbox_config(fake_api)


def test_the_app_parses_through_the_cache_and_writes_it_when_it_quits(
    config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launching.os, "isatty", lambda fd: True)
    during: list[object] = []

    def run(self: Any, *args: Any, **kwargs: Any) -> None:
        during.append(Stylesheet._parse_rules)
        sheet = Stylesheet()
        sheet.add_source("Label { width: 3; }", ("test", "Label"))
        sheet.parse()

    monkeypatch.setattr(launching.FluxApp, "run", run)
    assert launching.launch(config, [], rig.args()) == 0
    assert during and during[0] is not textual_css_cache._ORIGINAL
    assert Stylesheet._parse_rules is textual_css_cache._ORIGINAL
    assert (config.cache_dir / textual_css_cache.FILE_NAME).is_file()
