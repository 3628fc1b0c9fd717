"""``launch`` as the command line calls it: ``--continue``, ``--resume ID``, ``replay ID``, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, send, wait_until

from flux_tui.ui.launch import NOTHING_TO_CONTINUE, launch
from flux_tui.ui.widgets.chat_items import NoticeLine


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


def notices(app: Any) -> list[str]:
    return [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]


async def test_continue_resumes_the_latest_session(config: Any, fake_api: Any) -> None:
    with rig.open_store(config) as store:
        rig.store_session(store, [("old question", "old answer")], start=1_700_000_000.0)
        latest = rig.store_session(store, [("latest question", "latest answer")], start=1_700_500_000.0)
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            assert [p.prompt for p in app.conversation.chat.prompts] == ["latest question"]
            assert app.session_actions is not None
            assert app.session_actions.service.current_session_id == latest
            assert app.conversation.sidebar.ledger.session.cost == pytest.approx(0.01)
            fake_api.queue_anthropic_text("new answer")
            await send(pilot, app, "next question")
            sent = fake_api.last_request("/v1/messages").body["messages"]
            assert [m["role"] for m in sent] == ["user", "assistant", "user"]
            assert "latest answer" in str(sent[1]["content"])
        with rig.open_store(config) as store:
            assert store.get(latest).turns == 2
    finally:
        rig.close(app)


async def test_continue_without_sessions_starts_a_new_one(config: Any) -> None:
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert NOTHING_TO_CONTINUE in notices(app)
            assert app.session_actions is not None and app.session_actions.service.current_session_id is None
    finally:
        rig.close(app)


async def test_resume_by_id_prefix_restores_provider_and_budget(config: Any) -> None:
    with rig.open_store(config) as store:
        session_id = rig.store_session(
            store, [("q1", "a1"), ("q2", "a2")], provider="openai", model="gpt-4o", cost=0.25
        )
        rig.store_session(store, [("other", "other")], start=1_800_000_000.0)
    app = rig.make(config, resume=session_id[:8])
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 2)
            assert [m.text for m in app.transcript.messages] == ["q1", "a1", "q2", "a2"]
            assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4o")
            assert (app.conversation.top_bar.provider, app.conversation.top_bar.model) == ("openai", "gpt-4o")
            assert app.conversation.sidebar.ledger.session.cost == pytest.approx(0.5)
            assert app.turns.budget_guard is not None
            assert app.turns.budget_guard.spent == pytest.approx(0.5)
            assert any("Resumed “q1”" in text for text in notices(app))
    finally:
        rig.close(app)


@pytest.mark.parametrize(
    ("values", "code", "message"),
    [
        ({"resume": "nosuchid"}, 1, "no session 'nosuchid'"),
        ({"command": "replay", "session_id": "nosuchid", "demo": False, "speed": "1"}, 1, "no session"),
        ({"command": "replay", "session_id": None, "demo": False, "speed": "1"}, 2, "needs a session ID"),
        ({"command": "replay", "session_id": None, "demo": True, "speed": "warp"}, 2, "unknown replay speed"),
    ],
)
def test_launch_refuses_what_it_cannot_do(
    config: Any, capsys: pytest.CaptureFixture[str], values: dict[str, Any], code: int, message: str
) -> None:
    assert launch(config, [], rig.args(**values)) == code
    err = capsys.readouterr().err
    assert err.startswith("flux-tui: ") and message in err


def test_launch_without_a_terminal_says_so_instead_of_drawing_into_a_pipe(
    config: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import flux_tui.ui.launch as launching

    monkeypatch.setattr(launching.os, "isatty", lambda fd: fd != 2)  # `flux-tui replay --demo 2>&1 | head`
    ran: list[bool] = []
    monkeypatch.setattr(launching.FluxApp, "run", lambda self, *a, **k: ran.append(True))
    assert launch(config, [], rig.args(command="replay", session_id=None, demo=True, speed="1")) == 2
    err = capsys.readouterr().err
    assert not ran
    assert err.startswith("flux-tui: the full-screen app needs a terminal") and "flux-tui export ID" in err
