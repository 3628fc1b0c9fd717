"""Driving dialogs built on ``KeyGuardedScreen``: wait until they take keys, or type a burst into them."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.screen import Screen

from flux_tui.ui.screens.key_guard import KeyGuardedScreen


async def wait_out_key_guard(screen: Screen[Any], timeout: float = 10.0) -> None:
    """Wait (real time) until a key pressed now is one the dialog answers to: the user has read it."""
    assert isinstance(screen, KeyGuardedScreen), screen
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := screen.seconds_until_keys_count()) > 0:
        if loop.time() > deadline:
            raise AssertionError("the dialog never took keys")
        await asyncio.sleep(min(left, 0.05) + 0.01)


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key``: a character ("y", " ") or a key name ("enter")."""
    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    return events.Key(key, "\r" if key == "enter" else None)


def type_at_once(app: App[object], keys: str | list[str]) -> None:
    """Queue every key at once, as a fast typist or a paste-like burst delivers them: unlike
    ``pilot.press`` nothing is handled in between (no focus change lands between two keys)."""
    deliver(app, [key_event(key) for key in keys])


def typed_as_it_opened(screen: Screen[Any], keys: str | list[str], gap: float = 0.02) -> list[events.Key]:
    """The events of ``keys`` typed in a burst from the moment the dialog was drawn (``gap``
    seconds apart), whenever they are handled: a stalled test cannot turn them into late keys."""
    assert isinstance(screen, KeyGuardedScreen) and screen.shown_at < math.inf, screen
    typed = [key_event(key) for key in keys]
    for index, event in enumerate(typed):
        event.time = screen.shown_at + index * gap
    return typed


def deliver(app: App[object], typed: list[events.Key]) -> None:
    """Hand the app keys made earlier (``key_event``): each keeps the time it was typed, as keys
    queued behind a busy app do, however late they are handled."""
    assert app._driver is not None
    for event in typed:
        event.set_sender(app)
        app._driver.send_message(event)
