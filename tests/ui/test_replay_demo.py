"""``flux-tui replay --demo``: the bundled recording plays with no key, no network and no store."""

from __future__ import annotations

from pathlib import Path

import pytest
import sessions_rig as rig
from ui_pilot import SIZE, wait_until

from flux_tui.core.config import load_config
from flux_tui.sessions import load_demo
from flux_tui.ui.launch import build_app


def test_the_demo_ships_and_says_where_it_was_recorded() -> None:
    demo = load_demo()
    assert "recorded against flux-tui's test API server" in demo.meta.display_title
    assert [p for p, _ in demo.meta.provider_models] == ["anthropic", "openai"]
    assert demo.meta.turns == 3 and not demo.repaired


@pytest.mark.parametrize("store_usable", [True, False])
async def test_replay_demo_plays_offline(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, store_usable: bool
) -> None:
    if not store_usable:  # a fresh machine where the data dir cannot even be created
        blocker = sandbox / "not-a-dir"
        blocker.write_text("")
        monkeypatch.setenv("FLUX_DATA_DIR", str(blocker / "data"))
        monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "xdg"))  # the default the config falls back to
    config, problems = load_config()  # no key, no base URL: nothing could be reached anyway
    factory = rig.CountingFactory()
    app = build_app(
        config,
        problems,
        rig.args(command="replay", demo=True, session_id=None, speed="instant"),
        provider_factory=factory,
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.wait_replay_done(pilot, app)
            assert app.replay is not None and "test API server" in app.replay.title
            answers = app.conversation.chat.answers
            assert len(answers) == 3
            assert "### What I would improve" in answers[0].text
            assert [(a.provider) for a in answers] == ["anthropic", "anthropic", "openai"]
            records = {r.name: r for r in app.conversation.inspector.records}
            assert records["read_file"].status == "done"
            assert records["edit_file"].status == "done" and '+    return f"Hello, {name}!"' in str(
                records["edit_file"].diff
            )
            assert app.conversation.inspector.display  # tool calls fill the inspector
            by_model = app.conversation.sidebar.ledger.by_model()
            assert {provider for provider, _ in by_model} == {"anthropic", "openai"}
            assert all(totals.cost for totals in by_model.values())
            assert factory.built == []
            actions = app.session_actions
            assert (actions is not None and actions.service.store is not None) == store_usable
    finally:
        rig.close(app)


async def test_resuming_the_demo_for_real_saves_it_as_a_session(sandbox: Path) -> None:
    config, problems = load_config()
    app = build_app(config, problems, rig.args(command="replay", demo=True, session_id=None, speed="instant"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rig.wait_replay_done(pilot, app)
            await pilot.press("r")
            assert app.session_actions is not None
            sessions = app.session_actions.service
            await wait_until(pilot, lambda: sessions.current_session_id is not None)
            await wait_until(pilot, lambda: not app.conversation.prompt_input.disabled)
            assert len(app.conversation.chat.answers) == 3
            assert app.transcript.messages[0].text == load_demo().transcript.messages[0].text
        with rig.open_store(config) as store:
            info = store.get(str(sessions.current_session_id))
            assert "test API server" in info.display_title and info.turns == 3
    finally:
        rig.close(app)
