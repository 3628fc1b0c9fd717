"""The full-screen app runs with a short thread switch interval, so the thread that writes Textual's
frames to the terminal takes the interpreter lock from the UI thread within half a millisecond rather
than five; the interval is CPython's again once the app has ended."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig

import flux_tui.ui.launch as launching


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def test_the_app_runs_with_the_short_interval_and_restores_it(
    config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launching.os, "isatty", lambda fd: True)
    during: list[float] = []
    monkeypatch.setattr(
        launching.FluxApp, "run", lambda self, *a, **k: during.append(sys.getswitchinterval())
    )
    before = sys.getswitchinterval()
    assert launching.launch(config, [], rig.args()) == 0
    assert during == [pytest.approx(launching.UI_SWITCH_INTERVAL)]
    assert before > launching.UI_SWITCH_INTERVAL
    assert sys.getswitchinterval() == pytest.approx(before)


def test_the_interval_is_restored_when_the_app_fails(config: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launching.os, "isatty", lambda fd: True)

    def failing(self: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the app broke")

    monkeypatch.setattr(launching.FluxApp, "run", failing)
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError):
        launching.launch(config, [], rig.args())
    assert sys.getswitchinterval() == pytest.approx(before)
