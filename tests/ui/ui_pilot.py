"""Small helpers for driving ``FluxApp`` with Textual's pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.pilot import Pilot

from flux_tui.ui.app import FluxApp
from flux_tui.ui.widgets.chat_items import AssistantAnswer

SIZE = (160, 50)  # every pilot test and picture uses this terminal size
T = TypeVar("T")
_KEY_NAMES = {" ": "space", "@": "at", "/": "slash", ".": "full_stop"}


def frames_written(app: FluxApp, what: Callable[[], T]) -> list[T]:
    """``what()`` at every frame the app writes from now on (none while its updates are held: a frame
    laid out under a batch is not written, as on a terminal)."""
    seen: list[T] = []
    display = app._display

    def spy(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            seen.append(what())
        display(screen, renderable)

    app._display = spy  # type: ignore[method-assign]
    return seen


def burst(app: App[Any], *keys: str) -> None:
    """Deliver ``keys`` (characters, or key names such as "tab" and "ctrl+j") to ``app`` in one go, the
    way one read from the terminal does. ``pilot.press`` waits for the app to go idle after every
    key, which hides what happens to keys that arrive together."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(_KEY_NAMES.get(key, key), key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


async def handled(pilot: Pilot[Any]) -> None:
    """Let the app handle a ``burst`` and what it set off (a few rounds of idle)."""
    for _ in range(3):
        await pilot.pause()


async def wait_until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (a deadline only guards against hanging tests)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        # Not pilot.pause(): it waits for the app to go idle, which a streaming answer never does.
        await asyncio.sleep(0.02)


async def type_text(pilot: Pilot[Any], app: FluxApp, text: str) -> None:
    """Put ``text`` in the prompt the way typing would (the editor's own insert)."""
    app.conversation.prompt_input.focus()
    app.conversation.prompt_input.insert(text)
    await asyncio.sleep(0.01)


async def send(pilot: Pilot[Any], app: FluxApp, text: str) -> AssistantAnswer:
    """Type a prompt, press Enter, wait for the turn to end and its answer to render; returns it."""
    prompts_before = len(app.conversation.chat.prompts)
    await type_text(pilot, app, text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: len(app.conversation.chat.prompts) > prompts_before)
    await finish_turn(pilot, app)
    answer = app.conversation.chat.answers[-1]
    await answer.settle()
    return answer


async def finish_turn(pilot: Pilot[Any], app: FluxApp) -> None:
    """Wait until no turn runs and every event it produced has reached the widgets."""
    await wait_until(pilot, lambda: not app.turn_running and app.conversation.chat.current is None)
    await app.wait_for_turn()
    await pilot.pause()


async def start_long_answer(pilot: Pilot[Any], app: FluxApp, fake_api: Any) -> None:
    """Send a prompt whose answer streams for a good while (400 words, 20 a second); returns once the
    turn runs. Esc and ``finish_turn`` end it."""
    fake_api.queue_anthropic_text(" ".join(["tick"] * 400), tokens_per_second=20)
    await type_text(pilot, app, "long answer please")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.turn_running)


async def run_command(pilot: Pilot[Any], app: FluxApp, text: str) -> None:
    await type_text(pilot, app, text)
    await pilot.press("enter")
    await pilot.pause()


def plain(widget: Any, width: int | None = None) -> str:
    """What a widget shows on screen, as plain text lines (whatever it renders: Rich or Content)."""
    from textual.geometry import Region

    region = Region(0, 0, width or widget.size.width, widget.size.height)
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(region))
