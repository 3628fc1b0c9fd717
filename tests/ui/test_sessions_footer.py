"""The sessions browser's footer fits the terminal: every key it shows is whole, from 160 columns down to
70, and each action keeps its key in the footer or, under 95 columns, its button on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from flux_tui.ui.screens.session_keys import SESSION_KEYS


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def shown_keys(screen: Any) -> list[str]:
    """The footer's keys as drawn, each "key Description", for the keys wholly inside the screen."""
    width = screen.size.width
    keys = [key for key in screen.query(FooterKey) if key.display and key.region.width]
    return [f"{key.key_display} {key.description}" for key in keys if key.region.right <= width]


def hidden_or_cut(screen: Any) -> list[str]:
    width = screen.size.width
    return [key.description for key in screen.query(FooterKey) if key.display and key.region.right > width]


@pytest.mark.parametrize("width", [160, 100, 94, 80, 70])
async def test_the_footer_keys_fit_the_width(config: Any, width: int) -> None:
    with rig.open_store(config) as store:
        rig.store_session(store, [("hi", "hello")], start=1_700_000_000.0)
    app = rig.make(config)
    try:
        async with app.run_test(size=(width, 30)) as pilot:
            screen = await rig.open_browser(pilot, app)
            await pilot.pause()
            assert hidden_or_cut(screen) == [], f"cut at {width} columns"
            shown = shown_keys(screen)
            assert "esc Back" in shown and "del Delete" in shown and "f5 Compare" in shown
            buttons = {str(button.label) for button in screen.query(Button) if button.display}
            for key in SESSION_KEYS:
                in_footer = any(line.endswith(f" {key.label}") for line in shown)
                assert in_footer or key.button in buttons, f"{key.label} is nowhere at {width} columns"
            if width >= 100:
                assert all(any(line.endswith(f" {key.label}") for line in shown) for key in SESSION_KEYS)
    finally:
        rig.close(app)
