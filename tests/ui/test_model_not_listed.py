"""/model with a name the provider's endpoint does not list switches all the same (an endpoint may serve
models it does not list) and says so; a listed one switches without a word."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, run_command, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine


async def test_a_model_the_endpoint_does_not_list_is_used_with_a_warning(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.provider_service.knows_models(app.provider))
        listed = next(model for model in app.models if model != app.model)
        await run_command(pilot, app, f"/model {listed}")
        assert app.agent.provider.model == listed
        assert not any("is not among" in line.text for line in app.conversation.chat.query(NoticeLine))
        await run_command(pilot, app, "/model claude-opus-4-1-from-elsewhere")
        assert app.agent.provider.model == "claude-opus-4-1-from-elsewhere"
        warning = app.conversation.chat.query(NoticeLine)[-2].text
        assert "claude-opus-4-1-from-elsewhere is not among the models anthropic lists" in warning


async def test_an_alias_of_a_listed_snapshot_is_listed(make_app: Any) -> None:
    # As Anthropic lists its models: by dated snapshot, claude-opus-4-1-20250805 for claude-opus-4-1.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.provider_service.knows_models(app.provider))
        await run_command(pilot, app, "/model claude-opus-4-1")
        assert app.agent.provider.model == "claude-opus-4-1"
        assert not any("is not among" in line.text for line in app.conversation.chat.query(NoticeLine))


async def test_a_model_meant_for_another_provider_is_named_once_the_list_is_known(make_app: Any) -> None:
    # FLUX_MODEL beside --provider, say: the endpoint's list shows it is not one of this provider's.
    app = make_app(model="gemini-2.5-pro")
    async with app.run_test(size=SIZE) as pilot:
        said = "gemini-2.5-pro is not among the models anthropic lists; requests go to it by that name."
        chat = app.conversation.chat
        await wait_until(pilot, lambda: any(said in line.text for line in chat.query(NoticeLine)))


async def test_the_model_started_with_says_nothing_when_listed(make_app: Any) -> None:
    app = make_app(model="claude-sonnet-4-5")  # listed as claude-sonnet-4-5-20250929
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.provider_service.knows_models(app.provider))
        await pilot.pause()
        assert not any("is not among" in line.text for line in app.conversation.chat.query(NoticeLine))


async def test_a_provider_switched_back_to_still_says_what_it_does_not_list(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.provider_service.knows_models("anthropic"))
        await run_command(pilot, app, "/provider openai")
        await run_command(pilot, app, "/provider anthropic")
        await run_command(pilot, app, "/model yyy-unknown")
        assert app.agent.provider.model == "yyy-unknown"
        said = "yyy-unknown is not among the models anthropic lists; requests go to it by that name."
        assert any(said in line.text for line in app.conversation.chat.query(NoticeLine))
