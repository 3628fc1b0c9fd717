"""A prompt sent (Enter) while an answer streams is not sent, and not lost: it stays in the input, as
typed, and Enter sends it once the answer is over."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, finish_turn, type_text, wait_until

from flux_tui.ui.turn_control import KEPT_MESSAGE
from flux_tui.ui.widgets.chat_items import NoticeLine

PATH = "/v1/messages"
NEXT = "my careful next prompt"


def user_texts(fake_api: Any) -> list[str]:
    body = fake_api.last_request(PATH).body
    return [str(m["content"]) for m in body["messages"] if m["role"] == "user"]


async def test_enter_while_streaming_keeps_the_prompt_in_the_input(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("a slow answer " * 20, delay=0.05)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "first question")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: app.conversation.chat.answers and app.conversation.chat.answers[-1].text
        )
        await type_text(pilot, app, NEXT)
        await pilot.press("enter")
        await pilot.pause()
        assert app.turn_running  # the answer was still streaming
        notices = [str(line.render()) for line in app.conversation.chat.query(NoticeLine)]
        assert notices and notices[-1] == KEPT_MESSAGE
        assert app.conversation.prompt_input.text == NEXT  # nothing typed is lost
        await finish_turn(pilot, app)
        assert len(fake_api.requests_to(PATH)) == 1  # not sent behind the user's back
        assert app.conversation.prompt_input.text == NEXT
        fake_api.queue_anthropic_text("the next answer")
        app.conversation.prompt_input.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(fake_api.requests_to(PATH)) == 2)
        await finish_turn(pilot, app)
        assert "my careful next prompt" in user_texts(fake_api)[-1]
        assert app.conversation.prompt_input.text == ""
        assert app.conversation.prompt_input.prompt_history[-1] == NEXT  # Up recalls it once, as any prompt


async def test_a_command_refused_while_streaming_stays_in_the_input(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("a slow answer " * 20, delay=0.05)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "first question")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: app.conversation.chat.answers and app.conversation.chat.answers[-1].text
        )
        await type_text(pilot, app, "/clear")
        await pilot.press("enter")
        await pilot.pause()
        assert app.turn_running
        assert app.conversation.prompt_input.text == "/clear"
        await finish_turn(pilot, app)
