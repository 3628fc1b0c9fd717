"""The garbage collector tuning applies only to the CPython versions it was measured on; elsewhere the
collector keeps CPython's defaults and the log says so once."""

from __future__ import annotations

import gc
import logging
from typing import Any

import pytest

from flux_tui.ui import heap


@pytest.fixture
def collector() -> Any:
    """Whatever a test does to the collector is undone."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    if enabled:
        gc.enable()


@pytest.fixture
def python_314(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "python_version", lambda: (3, 14))
    monkeypatch.setattr(heap, "_untuned_logged", False)
    monkeypatch.setattr(heap, "_frozen", False)


def test_the_python_running_the_tests_is_one_it_was_measured_on() -> None:
    assert heap.tuned()  # the tests of the tuning itself (test_heap) run on a measured version
    assert (3, 11) in heap.MEASURED_ON


def test_start_up_leaves_the_collector_on_elsewhere(collector: None, python_314: None) -> None:
    heap.hold_collection()
    assert gc.isenabled()


async def test_the_heap_is_not_frozen_elsewhere(collector: None, python_314: None) -> None:
    gc.unfreeze()
    threshold = gc.get_threshold()
    assert await heap.freeze_after_warm_up() is False
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold  # CPython's own schedule of full collections


def test_no_full_collection_is_run_by_the_app_elsewhere(
    collector: None, python_314: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(1) or 0)
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 10 * heap.FULL_EVERY))
    assert heap.collect_if_due() is False
    assert collected == []


def test_the_log_says_once_why_the_collector_is_not_tuned(
    python_314: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="flux_tui.ui.heap"):
        assert heap.tuned() is False
        assert heap.tuned() is False
    lines = [r.getMessage() for r in caplog.records if r.name == "flux_tui.ui.heap"]
    assert len(lines) == 1
    assert "measured on Python 3.11, not 3.14" in lines[0]
