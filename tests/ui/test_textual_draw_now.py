"""``draw_now`` asks a screen for its pending frame through the private method of Textual's screen timer
only on the Textual it was checked on; elsewhere it leaves the frame to the timer and says why, once."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen

from flux_tui.ui import textual_patches


@pytest.fixture
def undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual_patches, "_draw_now_refused", False)


def test_the_installed_textual_draws_at_once() -> None:
    assert textual_patches.why_not_draw_now() is None


def test_another_series_leaves_the_frame_to_the_timer() -> None:
    reason = textual_patches.why_not_draw_now("9.0.0")
    assert reason is not None and "9.0.0" in reason


def test_a_changed_timer_method_leaves_the_frame_to_the_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(self: Screen[Any], now: float) -> None:  # a parameter the checked method lacks
        raise AssertionError("never called")

    monkeypatch.setattr(Screen, "_on_timer_update", changed)
    reason = textual_patches.why_not_draw_now()
    assert reason is not None and "_on_timer_update" in reason


async def test_refused_it_asks_nothing_of_the_screen_and_logs_once(
    undecided: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(textual_patches, "textual_version", lambda: "9.1.0")
    async with App().run_test() as pilot:
        screen = pilot.app.screen
        asked: list[object] = []
        monkeypatch.setattr(screen, "call_later", lambda *args: asked.append(args))
        with caplog.at_level(logging.INFO, logger="flux_tui.ui.textual_patches"):
            assert textual_patches.draw_now(screen) is False
            assert textual_patches.draw_now(screen) is False
    assert asked == []
    assert len([r for r in caplog.records if "timer" in r.getMessage()]) == 1


async def test_allowed_it_asks_the_screen_for_its_frame(
    undecided: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with App().run_test() as pilot:
        screen = pilot.app.screen
        asked: list[object] = []
        monkeypatch.setattr(screen, "call_later", lambda callback: asked.append(callback))
        assert textual_patches.draw_now(screen) is True
    assert asked == [screen._on_timer_update]
