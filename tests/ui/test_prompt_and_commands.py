"""The prompt editor (send, newline, history, completion, pastes) and the slash commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from ui_pilot import SIZE, run_command, send, type_text, wait_until

from flux_tui.ui.commands import complete, parse_slash
from flux_tui.ui.messages import PromptSubmitted
from flux_tui.ui.widgets.chat_items import NoticeLine, UserPrompt
from flux_tui.ui.widgets.info_panel import InfoPanel
from flux_tui.ui.widgets.prompt_input import PASTE_INLINE_CHARS, clean_paste


def submitted_hook(seen: list[str]) -> Callable[[Any], None]:
    received: list[PromptSubmitted] = []

    def hook(message: Any) -> None:
        # The hook sees a message at every node it bubbles through: keep each one once.
        if isinstance(message, PromptSubmitted) and all(message is not m for m in received):
            received.append(message)
            seen.append(message.text)

    return hook


def test_parse_slash() -> None:
    assert parse_slash("/model gpt-4o") == ("model", "gpt-4o")
    assert parse_slash("  /HELP ") == ("help", "")
    assert parse_slash("hello /model") is None
    assert parse_slash("//etc/hosts is a file") is None


def test_complete_commands_and_arguments() -> None:
    providers, models = ["anthropic", "openai", "ollama"], ["gpt-4o", "gpt-4o-mini", "o3"]
    assert complete("/pr", providers=providers, models=models) == ["/provider "]
    assert complete("/provider o", providers=providers, models=models) == [
        "/provider openai",
        "/provider ollama",
    ]
    assert complete("/model gpt", providers=providers, models=models) == [
        "/model gpt-4o",
        "/model gpt-4o-mini",
    ]
    assert complete("hello", providers=providers, models=models) == []
    assert "/stats" in complete("/", providers=providers, models=models)


def test_clean_paste_drops_control_characters() -> None:
    assert clean_paste("a\r\nb\x00c\x1b[31md\x1b[0m\te\x9b2Jf\rg") == "a\nbcd\tef\ng"


async def test_enter_sends_and_ctrl_j_adds_a_newline(make_app: Any) -> None:
    app = make_app()
    seen: list[str] = []
    async with app.run_test(size=SIZE, message_hook=submitted_hook(seen)) as pilot:
        app.send_prompt = lambda text: True  # keep the provider out of this test
        await pilot.press(*"line1", "ctrl+j", *"line2")
        assert app.conversation.prompt_input.text == "line1\nline2"
        await pilot.press("enter")
        await pilot.pause()
        assert seen == ["line1\nline2"]
        assert app.conversation.prompt_input.text == ""


async def test_up_and_down_recall_earlier_prompts(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.send_prompt = lambda text: True
        for text in ("first", "second"):
            await type_text(pilot, app, text)
            await pilot.press("enter")
        await type_text(pilot, app, "draft")
        await pilot.press("up")
        assert app.conversation.prompt_input.text == "second"
        await pilot.press("up")
        assert app.conversation.prompt_input.text == "first"
        await pilot.press("up")
        assert app.conversation.prompt_input.text == "first"
        await pilot.press("down")
        assert app.conversation.prompt_input.text == "second"
        await pilot.press("down")
        assert app.conversation.prompt_input.text == "draft"


async def test_tab_completes_slash_commands(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"/prov")
        await pilot.pause()
        suggestions = app.query_one("#suggestions")
        assert suggestions.display is True
        await pilot.press("tab")
        assert app.conversation.prompt_input.text == "/provider "
        await pilot.press("tab")  # on to the provider names
        assert app.conversation.prompt_input.text == "/provider anthropic"
        await pilot.press("tab")
        assert app.conversation.prompt_input.text == "/provider openai"


async def test_huge_paste_is_held_aside_and_sent_whole(make_app: Any) -> None:
    app = make_app()
    seen: list[str] = []
    huge = "\n".join(f"line {i} " + "x" * 50 for i in range(5000))
    async with app.run_test(size=SIZE, message_hook=submitted_hook(seen)) as pilot:
        app.send_prompt = lambda text: True
        await pilot.press(*"see: ")
        app.conversation.prompt_input.post_message(events.Paste(huge + "\x00"))
        await pilot.pause()
        assert len(app.conversation.prompt_input.text) < 100
        assert "[paste #1: 5,000 lines" in app.conversation.prompt_input.text
        await pilot.press("enter")
        await pilot.pause()
        assert seen == ["see: " + huge]
        assert len(huge) > PASTE_INLINE_CHARS


async def test_huge_prompt_is_summarised_in_the_chat(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("ok")
    app = make_app()
    big = "y" * 100_000
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(PromptSubmitted(big))
        await wait_until(pilot, lambda: app.conversation.chat.prompts)
        shown = str(app.conversation.chat.query_one(UserPrompt).render())
        assert len(shown) < 5000 and "more characters" in shown
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"))
        assert big in str(fake_api.last_request("/v1/messages").body["messages"][-1]["content"])


async def test_stats_history_help_and_unknown(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("Four.", usage={"input_tokens": 100, "output_tokens": 5})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "2+2?")
        await run_command(pilot, app, "/stats")
        stats = app.conversation.chat.query(InfoPanel).filter(".stats").last()
        assert "| anthropic | `claude-sonnet-4-6` | 1 | 100 | 5 |" in stats.source
        await run_command(pilot, app, "/history")
        history = app.conversation.chat.query(InfoPanel).filter(".history").last()
        assert "**you:** 2+2?" in history.source and "Four." in history.source
        await run_command(pilot, app, "/help")
        help_panel = app.conversation.chat.query(InfoPanel).filter(".help").last()
        assert "/provider NAME" in help_panel.source and "ctrl+t" in help_panel.source
        await run_command(pilot, app, "/frobnicate")
        assert "Unknown command /frobnicate" in app.conversation.chat.query(NoticeLine).last().text


async def test_clear_empties_chat_and_transcript(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("one")
    fake_api.queue_anthropic_text("two")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "first")
        await run_command(pilot, app, "/clear")
        await pilot.pause()
        assert app.transcript.messages == []
        assert app.conversation.chat.answers == [] and app.conversation.chat.prompts == []
        await send(pilot, app, "fresh start")
        messages = fake_api.last_request("/v1/messages").body["messages"]
        assert len(messages) == 1 and "fresh start" in str(messages[0]["content"])
        assert app.conversation.sidebar.ledger.session.replies == 2  # spent money stays counted


async def test_sessions_and_replay_go_to_the_session_actions(make_app: Any) -> None:
    app = make_app()
    calls: list[Any] = []

    class Service:
        def list_ids(self, limit: int) -> list[tuple[str, str]]:
            return []

    class Actions:
        service = Service()

        def open_browser(self) -> None:
            calls.append("browser")

        def replay_by_id(self, session_id: str) -> None:
            calls.append(session_id)

    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/sessions")
        await run_command(pilot, app, "/replay abc123")
        assert "no session store configured" in app.conversation.chat.query(NoticeLine)[-2].text
        assert "Replay needs the session store" in app.conversation.chat.query(NoticeLine).last().text
        await run_command(pilot, app, "/replay")
        assert "Usage: /replay ID" in app.conversation.chat.query(NoticeLine).last().text
        app.session_actions = Actions()  # type: ignore[assignment]
        await run_command(pilot, app, "/sessions")
        await run_command(pilot, app, "/replay s-42")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert calls == ["browser", "s-42", "browser"]


async def test_palette_offers_switches_and_actions(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        titles = [title for title, _, _ in app.palette_actions()]
        assert "Switch provider: openai" in titles
        assert "Toggle tool inspector" in titles and "Clear conversation (/clear)" in titles
        action = next(cb for title, _, cb in app.palette_actions() if title == "Switch provider: openai")
        action()
        await pilot.pause()
        assert app.agent.provider.name == "openai"
        assert not any(t == "Switch provider: openai" for t, _, _ in app.palette_actions())


async def test_ctrl_t_and_ctrl_b_toggle_the_panels(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.conversation.inspector.display is False and app.conversation.sidebar.display is True
        await pilot.press("ctrl+t", "ctrl+b")
        assert app.conversation.inspector.display is True and app.conversation.sidebar.display is False


async def test_command_palette_switches_provider(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"provider openai")
        await wait_until(
            pilot,
            lambda: "openai" in str(app.screen.query("CommandList").first().get_option_at_index(0).prompt),
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.agent.provider.name == "openai")
        await pilot.pause()
        # With the new provider's own model, as the menu and /provider switch: not the old provider's.
        assert app.agent.provider.model == app.provider_service.resolve("openai").model
        assert (app.provider, app.model) == ("openai", app.agent.provider.model)
        assert not any("is not among" in line.text for line in app.conversation.chat.query(NoticeLine))


async def test_retry_continue_and_budget_commands(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_error("anthropic", 401)
    fake_api.queue_anthropic_text("second time lucky")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "/retry")
        assert "Nothing to retry" in app.conversation.chat.query(NoticeLine).last().text
        failed = await send(pilot, app, "hello")
        assert failed.state == "failed"
        answers_before = len(app.conversation.chat.answers)
        await run_command(pilot, app, "/retry")
        await wait_until(pilot, lambda: len(app.conversation.chat.answers) > answers_before)
        await wait_until(pilot, lambda: not app.turn_running and app.conversation.chat.current is None)
        assert app.conversation.chat.answers[-1].text == "second time lucky"
        user_texts = [m.text for m in app.transcript.messages if m.role == "user"]
        assert user_texts == ["hello"]  # the prompt was not duplicated

        await run_command(pilot, app, "/continue")
        assert "Nothing to continue" in app.conversation.chat.query(NoticeLine).last().text
        await run_command(pilot, app, "/budget 5")
        assert app.turns.budget_guard is not None
        assert app.turns.budget_guard.budget == 5.0
        await run_command(pilot, app, "/budget")
        assert "$5" in app.conversation.chat.query(NoticeLine).last().text
