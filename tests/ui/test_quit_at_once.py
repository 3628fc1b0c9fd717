"""Quitting the moment the app is up (ctrl+q at once, a script's exit) ends it cleanly: the top bar's
menus, built just after the first frame, are not built into a screen being taken down."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE


async def test_quitting_at_once_ends_cleanly(make_app: Any) -> None:
    app = make_app()

    async def quit_at_once(pilot: Any) -> None:
        app.exit()

    await app.run_async(headless=True, size=SIZE, auto_pilot=quit_at_once)
    assert app.return_code == 0
