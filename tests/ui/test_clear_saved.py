"""ctrl+l and /clear are part of the stored session: a resumed session (in the app or ``flux-tui run
--continue``) sends only what came after the last clear, and showing it again shows the clear."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, run_command, send, wait_until

from flux_tui.headless import EXIT_OK, run_headless
from flux_tui.ui.widgets.chat_items import NoticeLine

PATH = "/v1/messages"


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def sent_texts(fake_api: Any) -> list[str]:
    """The text of every message of the last request, in order."""
    texts = []
    for message in fake_api.last_request(PATH).body["messages"]:
        content = message["content"]
        if isinstance(content, str):
            texts.append(content)
        else:
            texts.append("".join(block.get("text", "") for block in content))
    return texts


def notices(app: Any) -> list[str]:
    return [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]


async def record_with_clear(fake_api: Any, config: Any, key: str = "ctrl+l") -> str:
    """secret context A, a clear, fresh B: recorded by a real app; returns the session id."""
    fake_api.queue_anthropic_text("answer A")
    fake_api.queue_anthropic_text("answer B")
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, app, "secret context A")
            if key.startswith("/"):
                await run_command(pilot, app, key)
            else:
                app.conversation.prompt_input.focus()
                await pilot.press(key)
            await wait_until(pilot, lambda: not app.conversation.chat.prompts)
            await send(pilot, app, "fresh B")
            assert sent_texts(fake_api) == ["fresh B"]  # the live session forgets A
            assert app.session_actions is not None
            session_id = str(app.session_actions.service.current_session_id)
    finally:
        rig.close(app)
    return session_id


@pytest.mark.parametrize("key", ["ctrl+l", "/clear"])
async def test_headless_continue_after_a_clear_sends_only_what_followed_it(
    config: Any, fake_api: Any, key: str
) -> None:
    session_id = await record_with_clear(fake_api, config, key)
    with rig.open_store(config) as store:
        loaded = store.load(session_id, split_deltas=False)
    fake_api.queue_anthropic_text("answer C")
    out, err = io.StringIO(), io.StringIO()
    code = await run_headless(config, "C", out=out, err=err, resumed=loaded)
    assert code == EXIT_OK, err.getvalue()
    assert sent_texts(fake_api) == ["fresh B", "answer B", "C"]


async def test_resume_in_the_app_after_a_clear_shows_it_and_sends_only_what_followed(
    config: Any, fake_api: Any
) -> None:
    await record_with_clear(fake_api, config)
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.prompts) == 1)
            assert [p.prompt for p in app.conversation.chat.prompts] == ["fresh B"]
            assert any("Conversation cleared" in text for text in notices(app))
            fake_api.queue_anthropic_text("answer C")
            await send(pilot, app, "C")
            assert sent_texts(fake_api) == ["fresh B", "answer B", "C"]
    finally:
        rig.close(app)


async def test_clear_right_after_resume_is_saved_too(config: Any, fake_api: Any) -> None:
    await record_with_clear(fake_api, config)
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.prompts) == 1)
            await run_command(pilot, app, "/clear")
            await wait_until(pilot, lambda: not app.conversation.chat.prompts)
            assert app.transcript.messages == []
            assert app.session_actions is not None
            session_id = str(app.session_actions.service.current_session_id)
    finally:
        rig.close(app)
    with rig.open_store(config) as store:
        assert store.load(session_id, split_deltas=False).transcript.messages == []


async def test_a_replay_shows_the_clear_where_it_happened(config: Any, fake_api: Any) -> None:
    session_id = await record_with_clear(fake_api, config)
    requests = len(fake_api.requests_to(PATH))
    app = rig.make(config, command="replay", session_id=session_id, speed="instant")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.wait_replay_done(pilot, app)
            assert [p.prompt for p in app.conversation.chat.prompts] == ["fresh B"]
            assert [a.text for a in app.conversation.chat.answers] == ["answer B"]
            assert any("Conversation cleared" in text for text in notices(app))
    finally:
        rig.close(app)
    assert len(fake_api.requests_to(PATH)) == requests
