"""A prompt that got no answer, in the app: it stays in the chat, marked, and out of the history the
model sees; the next prompt goes alone, ``/retry`` sends it once, and a resumed session (``--continue``)
shows the mark and leaves it out too. Against the fake API server with the real providers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sessions_rig as rig
from key_guard_support import wait_out_key_guard
from ui_pilot import SIZE, finish_turn, run_command, send, type_text, wait_until

from flux_tui.ui.screens.budget_confirm import BudgetConfirmScreen

PATH = "/v1/messages"


def user_texts(fake_api: Any) -> list[str]:
    """The user's texts in the last request the server received."""
    texts: list[str] = []
    for message in fake_api.last_request(PATH).body["messages"]:
        if message["role"] == "user":
            content = message["content"]
            texts += [content] if isinstance(content, str) else [b["text"] for b in content if "text" in b]
    return texts


def marks(app: Any) -> list[tuple[str, str | None]]:
    return [(p.prompt, getattr(p, "mark", None)) for p in app.conversation.chat.prompts]


@pytest.fixture
def config(sandbox: Path, fake_api: Any) -> Any:
    return rig.sandbox_config(fake_api)


async def test_401_marks_the_prompt_and_the_next_one_goes_alone(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_error("anthropic", 401)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        failed = await send(pilot, app, "FAIL401 now")
        assert failed.state == "failed"
        ((prompt, mark),) = marks(app)
        assert prompt == "FAIL401 now"
        assert mark is not None and mark.startswith("⊘ no answer: invalid key for anthropic")
        assert app.conversation.chat.prompts[0].has_class("-unanswered")
        assert app.transcript.messages == []
        fake_api.queue_anthropic_text("fine")
        answer = await send(pilot, app, "after auth error")
        assert answer.text == "fine"
        assert user_texts(fake_api) == ["after auth error"]
        assert [p for p, m in marks(app) if m is None] == ["after auth error"]


async def test_retry_sends_the_marked_prompt_once(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("first answer")
    fake_api.queue_error("anthropic", 401)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "hi")
        await send(pilot, app, "FAIL401 now")
        fake_api.queue_anthropic_text("second answer")
        await run_command(pilot, app, "/retry")
        await finish_turn(pilot, app)
        assert user_texts(fake_api) == ["hi", "FAIL401 now"]
        assert len(fake_api.requests_to(PATH)) == 3
        assert [(m.role, m.text) for m in app.transcript.messages] == [
            ("user", "hi"),
            ("assistant", "first answer"),
            ("user", "FAIL401 now"),
            ("assistant", "second answer"),
        ]
        # the failed attempt stays, marked; the retried one is an exchange of its own
        shown = marks(app)
        assert [p for p, _m in shown] == ["hi", "FAIL401 now", "FAIL401 now"]
        assert [m is not None for _p, m in shown] == [False, True, False]
        assert app.conversation.chat.answers[-1].text == "second answer"


async def test_escape_before_the_first_token(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("too late", first_byte_delay=30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "cancel me")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to(PATH))
        await pilot.press("escape")
        await finish_turn(pilot, app)
        assert app.conversation.chat.answers[-1].state == "cancelled"
        ((_prompt, mark),) = marks(app)
        assert mark is not None and mark.startswith("⊘ no answer: cancelled")
        assert app.transcript.messages == []
        fake_api.queue_anthropic_text("fine")
        await send(pilot, app, "something else")
        assert user_texts(fake_api) == ["something else"]


async def test_dont_send_in_the_budget_dialog_means_it(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("pricey", usage={"input_tokens": 1_000_000, "output_tokens": 0})
    app = make_app(budget_usd=1)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "hi")
        await type_text(pilot, app, "over the budget")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, BudgetConfirmScreen))
        await wait_out_key_guard(app.screen)
        await pilot.press("n")
        await finish_turn(pilot, app)
        assert len(fake_api.requests_to(PATH)) == 1  # not sent
        assert marks(app)[-1] == (
            "over the budget",
            "⊘ not sent — left out of the conversation; /retry sends it again",
        )
        await run_command(pilot, app, "/budget 100")
        fake_api.queue_anthropic_text("cheap")
        await send(pilot, app, "a new question")
        assert user_texts(fake_api) == ["hi", "a new question"]


async def test_a_resumed_session_shows_the_mark_and_leaves_the_prompt_out(
    config: Any, fake_api: Any
) -> None:
    fake_api.queue_anthropic_text("first answer")
    fake_api.queue_error("anthropic", 401)
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, app, "hi")
            await send(pilot, app, "FAIL401 now")
            await app.workers.wait_for_complete()
    finally:
        rig.close(app)

    resumed = rig.make(config, continue_latest=True)
    try:
        async with resumed.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(resumed.conversation.chat.prompts) == 2)
            shown = marks(resumed)
            assert [p for p, _m in shown] == ["hi", "FAIL401 now"]
            assert shown[1][1] is not None and shown[1][1].startswith("⊘ no answer: invalid key")
            assert [m.text for m in resumed.transcript.messages] == ["hi", "first answer"]
            # /retry in the resumed session sends it, once
            fake_api.queue_anthropic_text("second answer")
            await run_command(pilot, resumed, "/retry")
            await finish_turn(pilot, resumed)
            assert user_texts(fake_api) == ["hi", "FAIL401 now"]
            fake_api.queue_anthropic_text("third answer")
            await send(pilot, resumed, "and then?")
            assert user_texts(fake_api) == ["hi", "FAIL401 now", "and then?"]
    finally:
        rig.close(resumed)
