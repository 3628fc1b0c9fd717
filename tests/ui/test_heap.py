"""The start-up heap is frozen once the app is warmed up, so full collections stop rescanning it."""

from __future__ import annotations

import gc
from typing import Any

from ui_pilot import wait_until

from flux_tui.core import tokens
from flux_tui.ui import heap


async def test_freezes_once_after_loading_the_encoding(monkeypatch: Any) -> None:
    monkeypatch.setattr(heap, "_frozen", False)
    gc.unfreeze()
    try:
        assert await heap.freeze_after_warm_up() is True
        assert tokens.is_ready()  # loaded first: its tables are part of what is frozen
        assert gc.get_freeze_count() > 0
        assert await heap.freeze_after_warm_up() is False  # a second warm-up (provider switch) does not
    finally:
        gc.unfreeze()


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
    assert cli.main([]) == 0
    assert seen == [False]
    assert gc.isenabled()
