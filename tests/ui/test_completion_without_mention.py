"""The prompt's completion, run on every key, imports the tools' mention module only for a text with an
``@`` in it: for the first key typed, the import was 2.3 ms before the key's echo."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from ui_pilot import SIZE

from flux_tui.ui.prompt_context import completions


async def test_text_without_at_is_completed_without_the_mentions_module(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setitem(sys.modules, "flux_tui.tools.mentions", None)  # importing it would raise
        assert completions(app, "explain the code") == []
        monkeypatch.undo()
        (app.workspace / "notes.md").write_text("hello\n")
        assert completions(app, "explain @no") == ["explain @notes.md"]
