"""The sessions browser's footer fits the terminal: every key it shows is whole, from 160 columns down to
60, and each action keeps its key in the footer or its button on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from textual.widgets import Button
from textual.widgets._footer import FooterKey
from ui_pilot import send, wait_until

from flux_tui.ui.screens.session_keys import SESSION_KEYS
from flux_tui.ui.widgets.footer import FluxFooter


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def footer_keys(screen: Any) -> tuple[list[Any], Any]:
    """The footer's keys shown, left to right, and the command palette's key docked at its right."""
    keys = [key for key in screen.query(FooterKey) if key.display and key.region.width]
    palette = [key for key in keys if key.has_class("-command-palette")]
    return [key for key in keys if key not in palette], (palette[0] if palette else None)


def shown_keys(screen: Any) -> list[str]:
    """Each key as drawn, "key Description"."""
    return [f"{key.key_display} {key.description}" for key in footer_keys(screen)[0]]


def cut_keys(screen: Any) -> list[str]:
    """The keys cut by the screen's edge or hidden under the palette's key."""
    keys, palette = footer_keys(screen)
    right = palette.region.x if palette is not None else screen.size.width
    return [key.description for key in keys if key.region.right > right]


# Every layout's edges (sessions.tcss) and the widths between them, down to 70 columns.
WIDTHS = [160, 124, 123, 110, 103, 102, 95, 80, 75, 74, 70, 60]


async def test_the_footer_keys_fit_the_width(config: Any) -> None:
    with rig.open_store(config) as store:
        rig.store_session(store, [("hi", "hello")], start=1_700_000_000.0)
    app = rig.make(config)
    try:
        async with app.run_test(size=(WIDTHS[0], 30)) as pilot:
            screen = await rig.open_browser(pilot, app)
            for width in WIDTHS:
                await pilot.resize_terminal(width, 30)
                await pilot.pause()
                await pilot.pause()
                assert cut_keys(screen) == [], f"cut at {width} columns"
                shown = shown_keys(screen)
                assert "esc Back" in shown and "del Delete" in shown and "f5 Compare" in shown, width
                buttons = {str(button.label) for button in screen.query(Button) if button.display}
                for key in SESSION_KEYS:
                    in_footer = any(line.endswith(f" {key.label}") for line in shown)
                    assert in_footer or key.button in buttons, f"{key.label} is nowhere at {width} columns"
    finally:
        rig.close(app)


async def test_the_conversations_keys_do_not_reach_behind_the_browser(config: Any, fake_api: Any) -> None:
    """ctrl+l in the browser cleared the conversation behind it, unseen; the footer offered it."""
    fake_api.queue_anthropic_text("kept")
    app = rig.make(config)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await send(pilot, app, "a prompt to keep")
            screen = await rig.open_browser(pilot, app)
            assert not any(line.endswith((" Clear", " Sessions")) for line in shown_keys(screen))
            await pilot.press("ctrl+l", "ctrl+o")
            await pilot.pause()
            assert app.screen is screen and len(app.screen_stack) == 2
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is app.conversation)
            assert len(app.conversation.chat.prompts) == 1
            assert len(app.agent.transcript.messages) == 2
    finally:
        rig.close(app)


async def test_closing_the_browser_as_its_keys_change_keeps_the_app_running(config: Any) -> None:
    """The footer composes its keys again after the frame in which they changed; the browser closed in
    between (ctrl+l, ctrl+o, Esc in one burst) left it without a screen, and the app died of it."""
    with rig.open_store(config) as store:
        rig.store_session(store, [("hi", "hello")], start=1_700_000_000.0)
    app = rig.make(config)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            for _ in range(3):
                screen = await rig.open_browser(pilot, app)
                footer = screen.query_one(FluxFooter)
                await pilot.press("ctrl+l", "ctrl+o", "escape")
                await wait_until(pilot, lambda: app.screen is app.conversation)
                await footer._recompose_once()  # the call the closed screen's last frame left queued
                await pilot.pause()
                assert app.is_running and app.return_code is None
    finally:
        rig.close(app)
