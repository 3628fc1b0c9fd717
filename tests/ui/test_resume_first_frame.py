"""``--resume ID`` of a long session: the first frame the screen lays out is the one written, whole, with
the prompt in it and no welcome; the session's turns (the older ones folded) follow, the menus are built
after it, and keys typed before the prompt has the keyboard reach it in order."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from textual import events
from textual._compositor import LayoutUpdate
from textual.widgets import Select
from ui_pilot import SIZE, wait_until

from flux_tui.ui.app import FluxApp
from flux_tui.ui.widgets.chat_lines import EarlierTurns, Welcome
from flux_tui.ui.widgets.chat_pane import KEEP_TURNS

TURNS = KEEP_TURNS + 5


@dataclass(frozen=True)
class Frame:
    """A frame the screen laid out and handed to the app to write."""

    written: bool  # False: laid out under a batch_update, where Textual drops it
    whole: bool  # the whole screen, not only the regions changed since the frame before
    welcome: bool  # the welcome line is on screen
    menus: bool  # the top bar's real menus (built after the first frame) are mounted
    prompt_focused: bool


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


@pytest.fixture
def session_id(config: Any) -> str:
    turns = [(f"question {n}", f"answer {n}") for n in range(TURNS)]
    with rig.open_store(config) as store:
        return rig.store_session(store, turns)


def watch_frames(app: FluxApp) -> list[Frame]:
    """Every frame handed to ``App._display`` from the start, headless as on a terminal."""
    frames: list[Frame] = []
    display = app._display

    def spy(screen: Any, renderable: Any) -> None:
        if renderable is not None and app.screen is app.conversation:
            frames.append(
                Frame(
                    written=not app._batch_count,
                    whole=isinstance(renderable, LayoutUpdate),
                    welcome=any(isinstance(w, Welcome) for w in screen._compositor.visible_widgets),
                    menus=bool(app.conversation.top_bar.query(Select)),
                    prompt_focused=app.focused is app.conversation.prompt_input,
                )
            )
        display(screen, renderable)

    app._display = spy  # type: ignore[method-assign]
    return frames


async def test_the_first_frame_laid_out_is_written_whole(config: Any, session_id: str) -> None:
    app = rig.make(config, resume=session_id)
    frames = watch_frames(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            chat = app.conversation.chat
            await wait_until(pilot, lambda: len(chat.answers) == KEEP_TURNS)
            await wait_until(pilot, lambda: bool(app.conversation.top_bar.query(Select)))
            first = frames[0]
            # Laid out under Textual's start-up batch, the first frame was dropped and counted as drawn:
            # the next one waited for the session's widgets and the menus, and redrew only what changed.
            assert first.written, "the first frame was laid out under a batch_update and never written"
            assert first.whole and first.prompt_focused
            assert not first.menus, "the menus, built after the first frame, were built before it"
            assert not any(frame.welcome for frame in frames if frame.written), "the welcome flashed"
            # The session as it was: its last turns shown, the older ones folded.
            assert len(chat.query(EarlierTurns)) == 1
            assert chat.answers[-1].text == f"answer {TURNS - 1}"
            assert app.focused is app.conversation.prompt_input
    finally:
        rig.close(app)


async def test_keys_typed_before_the_prompt_has_the_keyboard_reach_it(
    config: Any, session_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed_before_ready: list[bool] = []
    mount = FluxApp.on_mount

    async def on_mount(self: FluxApp) -> None:
        typed_before_ready.append(not self.conversation.ready.is_set())
        for key in "hey":
            self.post_message(events.Key(key, key))
        mounted = mount(self)
        if inspect.isawaitable(mounted):
            await mounted

    monkeypatch.setattr(FluxApp, "on_mount", on_mount)
    app = rig.make(config, resume=session_id)
    try:
        async with app.run_test(size=SIZE) as pilot:
            prompt = app.conversation.prompt_input
            await wait_until(pilot, lambda: prompt.text == "hey")
            assert typed_before_ready == [True]
            assert len(app.conversation.chat.answers) == KEEP_TURNS
    finally:
        rig.close(app)
