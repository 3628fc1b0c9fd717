"""In the sessions browser, letters typed go to the search box, in one burst or one at a time, wherever
the focus is: none opens, replays, forks, renames, exports, compares or deletes a session. The actions
have keys no typing produces (session_keys.SESSION_KEYS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from textual import events
from textual.widgets import DataTable, Input
from ui_pilot import SIZE, burst, handled, send, wait_until

from flux_tui.ui.app import FluxApp
from flux_tui.ui.screens.session_keys import SESSION_KEYS
from flux_tui.ui.screens.sessions import SessionsScreen

# Words made of the letters the actions once had for keys (o, p, f, r, e, c, d); "done" after moving
# down the list.
WORDS = [("lorem", False), ("done", True), ("profile", False), ("crepe", True)]


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def watch_actions(screen: SessionsScreen, monkeypatch: pytest.MonkeyPatch, *, run: bool) -> list[str]:
    """Record every action of the browser that runs; ``run``: run it too, else record it only."""
    ran: list[str] = []
    for key in SESSION_KEYS:
        original = getattr(screen, f"action_{key.action}")

        def spy(action: str = key.action, original: Any = original) -> None:
            ran.append(action)
            if run:
                original()

        monkeypatch.setattr(screen, f"action_{key.action}", spy)
    return ran


async def type_word(pilot: Any, app: FluxApp, word: str, how: str) -> None:
    if how == "burst":
        await pilot.press(*word)
    elif how == "one-key-at-a-time":
        for letter in word:
            await pilot.press(letter)
            await pilot.pause()
    else:  # as a terminal delivers them in one read: all queued before the first is handled
        for letter in word:
            app.post_message(events.Key(letter, letter))
        await pilot.pause()


@pytest.mark.parametrize("how", ["burst", "one-key-at-a-time", "one-read"])
async def test_typed_words_go_to_the_search_box(
    config: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    with rig.open_store(config) as store:
        rig.store_session(store, [("hi", "hello")], start=1_700_000_000.0)
        rig.store_session(store, [("lorem ipsum", "dolor sit amet")], start=1_700_100_000.0)
    fake_api.queue_anthropic_text("the answer in use")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, app, "the conversation in use")
            assert app.session_actions is not None
            live = app.session_actions.service.current_session_id
            for word, down in WORDS:
                screen = await rig.open_browser(pilot, app)
                ran = watch_actions(screen, monkeypatch, run=True)
                assert screen.query_one(DataTable).has_focus  # where the letters once ran the actions
                if down:
                    await pilot.press("down")
                await type_word(pilot, app, word, how)
                await pilot.pause()
                assert ran == []
                assert app.screen is screen  # no dialog, and still the browser
                search = screen.query_one("#sessions-search", Input)
                assert search.value == word
                assert search.has_focus
                await pilot.press("space", *"again")  # typed in the box now, after the word
                assert search.value == f"{word} again"
                assert ran == []
                await pilot.press("escape")
                await wait_until(pilot, lambda: not isinstance(app.screen, SessionsScreen))
            assert app.session_actions.service.current_session_id == live
            assert [prompt.prompt for prompt in app.conversation.chat.prompts] == ["the conversation in use"]
            assert [answer.text for answer in app.conversation.chat.answers] == ["the answer in use"]
    finally:
        rig.close(app)


async def test_the_action_keys_run_the_actions_from_the_list_and_the_search_box(
    config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with rig.open_store(config) as store:
        rig.store_session(store, [("hi", "hello")])
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            ran = watch_actions(screen, monkeypatch, run=False)
            for key in SESSION_KEYS:
                screen.query_one(DataTable).focus()
                await pilot.pause()
                await pilot.press(key.key)
                await pilot.pause()
                assert ran[-1:] == [key.action]
            search = screen.query_one("#sessions-search", Input)
            ran.clear()
            search.focus()
            await pilot.pause()
            # Enter and Delete are the search box's own there: it searches and deletes text.
            boxed = [key for key in SESSION_KEYS if key.key not in ("enter", "delete")]
            for key in boxed:
                await pilot.press(key.key)
                await pilot.pause()
            assert ran == [key.action for key in boxed]
    finally:
        rig.close(app)


def _one_session_app(config: Any) -> FluxApp:
    """The app over a store holding one session (its prompt: "lorem ipsum")."""
    with rig.open_store(config) as store:
        rig.store_session(store, [("lorem ipsum", "dolor sit amet")], start=1_700_100_000.0)
    return rig.make(config)


async def test_backspace_from_the_list_deletes_from_the_search_not_a_session(
    config: Any, fake_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _one_session_app(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            ran = watch_actions(screen, monkeypatch, run=False)
            await pilot.press(*"lorx", "enter")  # the search, then the list
            search = screen.query_one("#sessions-search", Input)
            await wait_until(pilot, lambda: screen.query_one(DataTable).has_focus)
            await pilot.press("backspace", "e", "m")
            assert search.value == "lorem" and search.has_focus
            await pilot.press("enter")  # back to the list: ctrl+h deletes too
            await wait_until(pilot, lambda: screen.query_one(DataTable).has_focus)
            await pilot.press("ctrl+h")
            assert search.value == "lore"
            assert ran == []
    finally:
        rig.close(app)


async def test_a_search_typed_in_the_burst_that_opens_the_browser_goes_to_its_search(
    config: Any, fake_api: Any
) -> None:
    app = _one_session_app(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            requests = len(fake_api.requests_to("/v1/messages"))
            burst(app, "ctrl+o", *"lorem", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            await handled(pilot)
            search = screen.query_one("#sessions-search", Input)
            await wait_until(pilot, lambda: screen.query_one(DataTable).has_focus)  # Enter: the list
            assert search.value == "lorem" and screen.query_text == "lorem"
            assert app.screen is screen  # Enter was the search's, not Open
            assert app.conversation.prompt_input.text == ""
            assert len(fake_api.requests_to("/v1/messages")) == requests  # nothing was sent
    finally:
        rig.close(app)
