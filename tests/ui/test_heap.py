"""The start-up heap is frozen once the app is warmed up, so full collections stop rescanning it."""

from __future__ import annotations

import gc
from typing import Any

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
