"""Replay in the live UI: the same chat and cost as the original, no HTTP request, no provider built,
nothing recorded; the bar's controls; resuming for real; ``/replay ID``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, run_command, send, wait_until

from flux_tui.ui.app import FluxApp
from flux_tui.ui.replay_controller import FINISHED_NOTICE, ReplayController, parse_speed
from flux_tui.ui.widgets.chat_items import NoticeLine
from flux_tui.ui.widgets.replay_bar import ReplayBar


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def controller(app: FluxApp) -> ReplayController:
    assert app.replay is not None
    return app.replay


def stored_counts(config: Any) -> list[tuple[str, int]]:
    with rig.open_store(config) as store:
        return [(info.id, len(store.events(info.id))) for info in store.list_sessions(include_empty=True)]


async def test_replay_shows_the_same_chat_and_cost_without_any_request(config: Any, fake_api: Any) -> None:
    recorded = await rig.record_conversation(fake_api, config)
    requests_before = len(fake_api.requests)
    stored_before = stored_counts(config)
    factory = rig.CountingFactory()
    app = rig.make(config, factory=factory, command="replay", session_id=recorded.session_id, speed="instant")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.wait_replay_done(pilot, app)
            assert [answer.text for answer in app.conversation.chat.answers] == recorded.answers
            assert [prompt.prompt for prompt in app.conversation.chat.prompts] == recorded.prompts
            assert app.conversation.sidebar.ledger.session.cost == pytest.approx(recorded.cost)
            assert {key[0] for key in app.conversation.sidebar.ledger.by_model()} == {"anthropic", "openai"}
            assert app.conversation.prompt_input.disabled and app.conversation.top_bar.disabled
            bar = app.query_one(ReplayBar)
            assert "replay finished" in bar.describe()
            assert any(FINISHED_NOTICE in str(n.render()) for n in app.conversation.chat.query(NoticeLine))
            # A sent prompt, a tool run, a model list: all would have reached the server.
            assert len(fake_api.requests) == requests_before
            assert factory.built == []
            assert app.agent.provider.built is None  # type: ignore[attr-defined]
    finally:
        rig.close(app)
    assert stored_counts(config) == stored_before  # nothing of the replay was recorded


async def test_controls_pause_step_speed_and_stop(config: Any, fake_api: Any) -> None:
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("first", "one"), ("second", "two"), ("third", "three")])
    fake_api.queue_anthropic_text("the live answer")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, app, "live before the replay")
            assert app.session_actions is not None
            loaded = app.session_actions.service.store.load(session_id)  # type: ignore[union-attr]
            assert app.session_actions.start_replay(loaded, start_paused=True)
            replay = controller(app)
            await pilot.pause()
            bar = app.query_one(ReplayBar)
            assert bar.has_focus and replay.player.position == 0 and app.conversation.chat.answers == []
            assert "paused" in bar.describe() and "event 0/18" in bar.describe()

            await pilot.press("n")  # TurnStarted
            await pilot.press("n")  # the prompt's MessageCommitted
            await pilot.press("right")  # the answer's text
            assert replay.player.position == 3
            assert [p.prompt for p in app.conversation.chat.prompts] == ["first"]
            assert app.conversation.chat.answers[-1].text == "one"
            assert "event 3/18" in bar.describe()

            assert replay.player.speed == 1.0
            await pilot.press("s")
            assert replay.player.speed == 2.0 and "2x" in bar.describe()
            await pilot.press("s", "s")
            assert replay.player.speed is None and "instant" in bar.describe()

            await pilot.press("space")  # play (instantly) to the end
            await rig.wait_replay_done(pilot, app)
            assert [a.text for a in app.conversation.chat.answers] == ["one", "two", "three"]

            await pilot.press("escape")
            await wait_until(pilot, lambda: app.replay is None and not app.conversation.prompt_input.disabled)
            await wait_until(
                pilot, lambda: [p.prompt for p in app.conversation.chat.prompts] == ["live before the replay"]
            )
            assert not app.query(ReplayBar)
            assert app.conversation.chat.answers[-1].text == "the live answer"
            assert app.transcript.messages[0].text == "live before the replay"

            fake_api.queue_anthropic_text("after the replay")
            await send(pilot, app, "go on")
            live_id = app.session_actions.service.current_session_id
        with rig.open_store(config) as store:
            live = store.load(str(live_id))
            assert [m.text for m in live.transcript.messages] == [
                "live before the replay",
                "the live answer",
                "go on",
                "after the replay",
            ]
            assert store.get(session_id).turns == 3  # the replayed session is untouched
    finally:
        rig.close(app)


async def test_escape_stops_a_replay_midway(config: Any) -> None:
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("first", "one"), ("second", "two")])
    app = rig.make(config, command="replay", session_id=session_id[:6], speed="1")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.replay is not None)
            controller(app).player.pause()
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.replay is None and not app.conversation.prompt_input.disabled)
            assert app.conversation.chat.answers == []  # nothing live to show again
            assert app.session_actions is not None and app.session_actions.service.current_session_id is None
    finally:
        rig.close(app)


async def test_resume_for_real_at_the_end(config: Any, fake_api: Any) -> None:
    recorded = await rig.record_conversation(fake_api, config)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await run_command(pilot, app, f"/replay {recorded.session_id}")
            await wait_until(pilot, lambda: app.replay is not None)
            controller(app).player.set_speed(None)
            await rig.wait_replay_done(pilot, app)
            await pilot.press("r")
            assert app.session_actions is not None
            sessions = app.session_actions.service
            await wait_until(pilot, lambda: sessions.current_session_id == recorded.session_id)
            await wait_until(pilot, lambda: not app.conversation.prompt_input.disabled)
            assert len(app.transcript.messages) == 6
            assert [a.text for a in app.conversation.chat.answers] == recorded.answers
            fake_api.queue_openai_text("continued for real")
            await send(pilot, app, "continue?")
        with rig.open_store(config) as store:
            assert store.get(recorded.session_id).turns == 4
    finally:
        rig.close(app)


async def test_replay_command_with_an_unknown_id_says_so(config: Any) -> None:
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await run_command(pilot, app, "/replay nosuchsession")
            await wait_until(
                pilot,
                lambda: any("no session" in str(n.render()) for n in app.conversation.chat.query(NoticeLine)),
            )
            assert app.replay is None and not app.conversation.prompt_input.disabled
    finally:
        rig.close(app)


def test_parse_speed() -> None:
    assert [parse_speed(s) for s in ("1", "2", "10x", "instant")] == [1.0, 2.0, 10.0, None]
    with pytest.raises(ValueError):
        parse_speed("fast")


async def test_replay_from_the_sessions_screen(config: Any) -> None:
    from flux_tui.ui.screens.sessions import SessionsScreen

    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("first", "one")])
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            await wait_until(pilot, screen.loaded.is_set)
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: app.replay is not None)
            assert not isinstance(app.screen, SessionsScreen)
            assert controller(app).loaded.id == session_id
            assert app.conversation.prompt_input.disabled
            controller(app).player.set_speed(None)
            await rig.wait_replay_done(pilot, app)
            assert [a.text for a in app.conversation.chat.answers] == ["one"]
    finally:
        rig.close(app)
