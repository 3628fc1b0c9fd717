"""``flux-tui --continue --provider P --model M``: the command line wins over where the session stopped
(a switch, recorded); an unknown provider leaves no mismatched provider/model pair."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sessions_rig as rig
from ui_pilot import SIZE, send, wait_until

from flux_tui.core.agent_events import ProviderSwitched
from flux_tui.core.config import load_config
from flux_tui.ui.app import FluxApp
from flux_tui.ui.widgets.info_panel import InfoPanel


async def test_continue_with_provider_and_model_uses_them(sandbox: Path, fake_api: Any) -> None:
    config = rig.sandbox_config(fake_api, provider="openai", model="gpt-4.1")
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("q1", "a1")], provider="anthropic", model="claude-sonnet-4-6")
    app = rig.make(config, continue_latest=True, provider="openai", model="gpt-4.1")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4.1")
            assert (app.conversation.top_bar.provider, app.conversation.top_bar.model) == (
                "openai",
                "gpt-4.1",
            )
            fake_api.queue_openai_text("on openai now")
            await send(pilot, app, "q2")
            request = fake_api.last_request("/v1/chat/completions")
            assert request.body["model"] == "gpt-4.1" and "a1" in str(request.body["messages"])
            assert fake_api.requests_to("/v1/messages") == []
        with rig.open_store(config) as store:
            switches = [e for e in store.events(session_id) if isinstance(e, ProviderSwitched)]
        assert [(s.previous_provider, s.provider, s.model) for s in switches] == [
            ("anthropic", "openai", "gpt-4.1")
        ]
    finally:
        rig.close(app)


async def test_continue_with_a_model_alone_keeps_the_session_provider(sandbox: Path, fake_api: Any) -> None:
    config = rig.sandbox_config(fake_api, model="gpt-4.1")
    with rig.open_store(config) as store:
        rig.store_session(store, [("q1", "a1")], provider="openai", model="gpt-4o")
    app = rig.make(config, continue_latest=True, model="gpt-4.1")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4.1")
    finally:
        rig.close(app)


async def test_continue_without_options_restores_the_session_provider(sandbox: Path, fake_api: Any) -> None:
    config = rig.sandbox_config(fake_api)
    with rig.open_store(config) as store:
        session_id = rig.store_session(store, [("q1", "a1")], provider="openai", model="gpt-4o")
    app = rig.make(config, continue_latest=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 1)
            assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4o")
        with rig.open_store(config) as store:
            assert not any(isinstance(e, ProviderSwitched) for e in store.events(session_id))
    finally:
        rig.close(app)


async def test_an_unknown_provider_is_a_notice_and_no_mismatched_pair(sandbox: Path, fake_api: Any) -> None:
    config, problems = load_config(
        provider="nope",
        model="gpt-4o",
        anthropic_base_url=fake_api.anthropic_base_url,
        anthropic_api_key="test-anthropic-key",
    )
    app = FluxApp(config, problems=problems, workspace=sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert (app.agent.provider.name, app.agent.provider.model) == ("anthropic", "claude-sonnet-4-6")
        panel = next(p for p in app.conversation.chat.query(InfoPanel) if p.has_class("problems"))
        assert "unknown provider 'nope'" in panel.source
