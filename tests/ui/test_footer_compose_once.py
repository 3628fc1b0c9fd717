"""Binding changes that come before one refresh compose the footer once: Textual queued a new row of
keys for each (eleven before the first frame)."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE

from flux_tui.ui.widgets.footer import FluxFooter


async def test_three_binding_changes_queue_one_composition(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.app_focus = True  # a terminal with the focus (the footer is composed only then)
        await pilot.pause()
        footer = app.conversation.query_one(FluxFooter)
        queued: list[Any] = []
        footer.call_after_refresh = lambda callback, *args: queued.append(callback)  # type: ignore[method-assign]
        for _ in range(3):
            footer.bindings_changed(app.conversation)
        assert len(queued) == 1
