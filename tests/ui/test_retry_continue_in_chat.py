"""/retry and /continue ask nothing new: the chat shows the new answer, not an empty prompt block."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, plain, run_command, send, wait_until

from flux_tui.ui.widgets.chat_items import TurnError


def _prompt_texts(app: Any) -> list[str]:
    return [prompt.prompt for prompt in app.conversation.chat.prompts]


async def test_retry_adds_an_answer_and_no_empty_prompt(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("first try broke off", cut_after=2)
    fake_api.queue_anthropic_text("second time lucky")
    app = make_app(max_retries=0)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "hello")
        await run_command(pilot, app, "/retry")
        await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 2)
        await wait_until(pilot, lambda: not app.turn_running and app.conversation.chat.current is None)
        assert app.conversation.chat.answers[-1].text == "second time lucky"
        assert _prompt_texts(app) == ["hello"]
        assert all(
            prompt.size.height > 0 and str(prompt.content).strip() for prompt in app.conversation.chat.prompts
        )


async def test_continue_adds_an_answer_and_no_empty_prompt(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("alpha beta gamma delta", cut_after=2)
    fake_api.queue_anthropic_text(" gamma delta")
    app = make_app(max_retries=0)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "count in greek")
        await run_command(pilot, app, "/continue")
        await wait_until(pilot, lambda: len(app.conversation.chat.answers) == 2)
        await wait_until(pilot, lambda: not app.turn_running and app.conversation.chat.current is None)
        assert _prompt_texts(app) == ["count in greek"]


async def test_a_dropped_answer_says_once_that_its_part_is_kept(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("alpha beta gamma delta", cut_after=2)
    app = make_app(max_retries=0)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "count in greek")
        said = " ".join(" ".join(plain(error).split()) for error in app.conversation.chat.query(TurnError))
        assert said.lower().count("partial answer is kept") == 1
        assert "/retry" in said and "/continue" in said
