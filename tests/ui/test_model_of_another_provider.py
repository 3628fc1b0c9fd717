"""``/model NAME`` with a model of another provider goes on with that provider (``/model gpt-4o`` on
Anthropic means OpenAI's), the conversation carried over; ``/provider NAME MODEL`` picks both at once."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, run_command, send, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine


def _notices(app: Any) -> list[str]:
    return [line.text for line in app.conversation.chat.query(NoticeLine)]


async def test_a_model_of_another_provider_switches_to_it(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("from claude")
    fake_api.queue_openai_text("from gpt")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.provider_service.knows_models("anthropic"))
        await send(pilot, app, "first")
        await run_command(pilot, app, "/model gpt-4o")
        assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4o")
        assert "gpt-4o is a model of openai, not of anthropic: switching." in _notices(app)
        assert not any("is not among" in text for text in _notices(app))
        await wait_until(pilot, lambda: (app.provider, app.model) == ("openai", "gpt-4o"))
        answer = await send(pilot, app, "second")
        assert (answer.provider, answer.model, answer.text) == ("openai", "gpt-4o", "from gpt")
        body = fake_api.last_request("/v1/chat/completions").body
        assert body["model"] == "gpt-4o"
        assert "from claude" in str(body["messages"])  # the conversation went with it


async def test_a_model_its_own_provider_names_stays_there(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/model claude-haiku-4-5")
        assert (app.agent.provider.name, app.agent.provider.model) == ("anthropic", "claude-haiku-4-5")
        assert not any("switching" in text for text in _notices(app))


async def test_a_model_two_other_providers_name_is_not_guessed(make_app: Any, fake_api: Any) -> None:
    local = {"kind": "openai", "base_url": fake_api.openai_base_url, "api_key": "k", "models": ["gpt-4o"]}
    app = make_app(providers={"local": local})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.provider_service.knows_models("anthropic"))
        await run_command(pilot, app, "/model gpt-4o")
        assert app.agent.provider.name == "anthropic"
        said = (
            "gpt-4o is not among the models anthropic lists; requests go to it by that name. "
            "openai and local list it: /provider NAME gpt-4o goes to one."
        )
        assert said in _notices(app)
        await run_command(pilot, app, "/provider local gpt-4o")
        assert (app.agent.provider.name, app.agent.provider.model) == ("local", "gpt-4o")


async def test_slash_provider_with_a_model_switches_both(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/provider openai gpt-4.1")
        assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4.1")
        await wait_until(pilot, lambda: (app.provider, app.model) == ("openai", "gpt-4.1"))


async def test_back_on_a_provider_its_last_model_is_used(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/model claude-haiku-4-5")
        await run_command(pilot, app, "/provider openai")
        assert app.agent.provider.model == app.provider_service.resolve("openai").model  # its own first
        await run_command(pilot, app, "/model gpt-4.1")
        await run_command(pilot, app, "/provider anthropic")
        assert (app.agent.provider.name, app.agent.provider.model) == ("anthropic", "claude-haiku-4-5")
        await run_command(pilot, app, "/provider openai")
        assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4.1")
        await run_command(pilot, app, "/provider anthropic claude-opus-4-1")  # a model named wins
        assert app.agent.provider.model == "claude-opus-4-1"
        await wait_until(pilot, lambda: (app.provider, app.model) == ("anthropic", "claude-opus-4-1"))
