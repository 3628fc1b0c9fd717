"""The start-up heap is frozen once the app is warmed up, so full collections stop rescanning it."""

from __future__ import annotations

import gc
import logging
from typing import Any

from ui_pilot import wait_until

from flux_tui.core import tokens
from flux_tui.ui import heap


async def test_freezes_once_without_loading_the_encoding(monkeypatch: Any) -> None:
    monkeypatch.setattr(heap, "_frozen", False)
    loads: list[object] = []
    monkeypatch.setattr(tokens, "preload", lambda *args, **kwargs: loads.append(args))
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        assert await heap.freeze_after_warm_up() is True
        assert loads == []  # the encoding's 27 MB are loaded only when a count must be exact
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[2] == heap.FULL_AT_THE_LATEST  # full collections left to the app
        assert await heap.freeze_after_warm_up() is False  # a second warm-up (provider switch) does not
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


async def test_the_app_lets_the_collector_run_again_after_its_first_frame(make_app: Any) -> None:
    heap.hold_collection()  # as the command line does before it imports the app
    try:
        app = make_app()
        async with app.run_test() as pilot:
            await wait_until(pilot, gc.isenabled)
            assert app.screen.is_mounted
    finally:
        heap.release_collection()


def test_the_command_line_holds_the_collector_only_until_the_app_returns(
    sandbox: Any, monkeypatch: Any
) -> None:
    from flux_tui import cli
    from flux_tui.ui import launch

    seen: list[bool] = []
    monkeypatch.setattr(launch, "launch", lambda *args: seen.append(gc.isenabled()) or 0)
    root = logging.getLogger()
    handlers, level = list(root.handlers), logging.getLogger("flux_tui").level
    try:
        assert cli.main([]) == 0
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:  # main() installs the file log
            root.removeHandler(handler)
            handler.close()
        logging.getLogger("flux_tui").setLevel(level)
    assert seen == [False]
    assert gc.isenabled()


def test_a_full_collection_runs_only_once_it_is_due() -> None:
    gc.collect()
    assert heap.collect_if_due() is False
    for _ in range(heap.FULL_EVERY):
        gc.collect(1)  # what the automatic collections of the middle generation do
    assert gc.get_count()[2] >= heap.FULL_EVERY
    assert heap.collect_if_due() is True
    assert gc.get_count()[2] == 0


async def test_full_collections_wait_for_the_end_of_a_turn(
    make_app: Any, fake_api: Any, monkeypatch: Any
) -> None:
    from flux_tui.ui import turn_control as turns

    monkeypatch.setattr(turns, "IDLE_COLLECT_DELAY", 0.01)
    calls: list[bool] = []
    app = make_app()
    monkeypatch.setattr(turns, "collect_if_due", lambda: calls.append(app.turn_running) or False)
    fake_api.queue_anthropic_text("Done.")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert calls == []
        app.send_prompt("hello")
        await wait_until(pilot, lambda: calls)
        assert calls == [False]  # after the turn, with no turn running
