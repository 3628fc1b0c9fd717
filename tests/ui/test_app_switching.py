"""Switching provider and model at runtime: the conversation carries over in the new provider's format."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select
from ui_pilot import SIZE, finish_turn, run_command, send, type_text, wait_until

from flux_tui.ui.widgets.chat_items import NoticeLine


def _openai_roles(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (m["role"], m["content"] if isinstance(m["content"], str) else str(m["content"]))
        for m in body["messages"]
    ]


async def test_switch_provider_through_the_menu_carries_the_history(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("Paris is the capital.")
    fake_api.queue_openai_text("About 2.1 million people.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "Capital of France?")
        select: Select[str] = app.conversation.top_bar.query_one("#provider-select", Select)
        select.value = "openai"  # what picking it in the menu does
        await wait_until(pilot, lambda: app.agent.provider.name == "openai")
        assert app.conversation.top_bar.provider == "openai"
        assert app.conversation.sidebar.provider == "openai"
        answer = await send(pilot, app, "Population?")
        assert answer.text == "About 2.1 million people."
        assert (answer.provider, answer.model) == ("openai", app.agent.provider.model)

        body = fake_api.last_request("/v1/chat/completions").body
        roles = [(role, text) for role, text in _openai_roles(body) if role != "system"]
        assert roles == [
            ("user", "Capital of France?"),
            ("assistant", "Paris is the capital."),
            ("user", "Population?"),
        ]
        switches = [n.text for n in app.conversation.chat.query(NoticeLine) if "now on openai" in n.text]
        assert len(switches) == 1 and "was anthropic" in switches[0]


async def test_switch_with_slash_provider_and_back(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_openai_text("from openai")
    fake_api.queue_anthropic_text("from anthropic")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/provider openai")
        assert app.agent.provider.name == "openai"
        await send(pilot, app, "one")
        await run_command(pilot, app, "/provider anthropic")
        assert app.agent.provider.name == "anthropic"
        await send(pilot, app, "two")
        messages = fake_api.last_request("/v1/messages").body["messages"]
        assert [m["role"] for m in messages] == ["user", "assistant", "user"]
        assert "from openai" in str(messages[1]["content"])
        assert "two" in str(messages[2]["content"])
        # The same Transcript object throughout: nothing was copied or lost.
        assert app.agent.transcript is app.transcript
        assert [m.provider for m in app.transcript.messages if m.role == "assistant"] == [
            "openai",
            "anthropic",
        ]


async def test_switch_model_with_slash_model_uses_it_for_the_next_request(
    make_app: Any, fake_api: Any
) -> None:
    fake_api.queue_anthropic_text("a")
    fake_api.queue_anthropic_text("b")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "first")
        await run_command(pilot, app, "/model claude-haiku-4-5")
        assert app.conversation.top_bar.model == "claude-haiku-4-5"
        answer = await send(pilot, app, "second")
        assert answer.model == "claude-haiku-4-5"
        assert fake_api.last_request("/v1/messages").body["model"] == "claude-haiku-4-5"
        assert [key[1] for key in app.conversation.sidebar.ledger.by_model()] == [
            "claude-sonnet-4-6",
            "claude-haiku-4-5",
        ]


async def test_model_menu_is_filled_from_the_endpoint(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "claude-haiku-4-5-20251001" in app.model_choices)
        configured = app.agent.provider.settings.models
        assert app.model_choices[: len(configured)] == configured
        assert app.conversation.top_bar.model == app.agent.provider.model


async def test_switch_while_streaming_is_refused(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text(" ".join(["tick"] * 400), tokens_per_second=20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "long answer please")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: app.conversation.chat.answers and app.conversation.chat.answers[-1].text
        )
        select: Select[str] = app.conversation.top_bar.query_one("#provider-select", Select)
        select.value = "openai"
        await wait_until(
            pilot, lambda: any("Can't switch" in n.text for n in app.conversation.chat.query(NoticeLine))
        )
        assert app.agent.provider.name == "anthropic"
        # The menu snaps back in the frame after the notice (``TopBar.on_select_changed``).
        await wait_until(pilot, lambda: select.value == "anthropic")
        await pilot.press("escape")
        await finish_turn(pilot, app)
        assert app.switch_provider("openai") is True
        assert app.agent.provider.name == "openai"


async def test_provider_menu_marks_providers_without_a_key(make_app: Any) -> None:
    app = make_app(
        keys=False, anthropic_api_key="test-anthropic-key", openai_base_url="https://api.openai.com/v1"
    )
    async with app.run_test(size=SIZE):
        options = dict((value, label) for label, value in app.provider_service.options())
        assert options["anthropic"] == "anthropic"
        assert options["openai"] == "openai (no key)"


async def test_a_failover_switch_is_reflected_in_menus_and_sidebar(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "claude-haiku-4-5-20251001" in app.model_choices)
        service = app.provider_service
        backup = service.build(service.resolve("openai", "gpt-4o"))
        app.agent.switch_provider(backup, reason="failover", during_turn=True)  # what the reliable step does
        await wait_until(pilot, lambda: app.conversation.top_bar.provider == "openai")
        assert app.conversation.top_bar.model == "gpt-4o"
        assert app.conversation.sidebar.provider == "openai"
        await wait_until(pilot, lambda: "gpt-4o-mini" in app.model_choices)
        assert "claude-haiku-4-5-20251001" not in app.model_choices
        notice = [n.text for n in app.conversation.chat.query(NoticeLine) if "now on openai" in n.text]
        assert notice and "(failover)" in notice[0]
