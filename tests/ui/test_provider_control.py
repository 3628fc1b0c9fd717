"""``ProviderControl`` on the services: the app's agent is ``build_agent``'s, its switches go through
``app.provider_service``, and only a switch that would change something is refused while an answer
streams."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, finish_turn, start_long_answer, wait_until

from flux_tui.core.failover import ReliableStep
from flux_tui.ui.provider_control import SWITCH_REFUSED
from flux_tui.ui.widgets.chat_items import NoticeLine


def _notices(app: Any) -> list[str]:
    return [n.text for n in app.conversation.chat.query(NoticeLine)]


async def test_the_agent_steps_through_a_reliable_step_with_the_services_fallback(make_app: Any) -> None:
    app = make_app(fallback=["openai:gpt-4o"])
    step = app.agent.stream_step
    assert isinstance(step, ReliableStep) and app.turns.step is step
    assert app.turns.budget_guard is step.budget
    fallback = step.factory("openai", "gpt-4o")  # built as one picked in the menu: lazy, same history
    assert (fallback.name, fallback.model, fallback.built) == ("openai", "gpt-4o", None)
    assert fallback.transcript is app.transcript


async def test_the_current_provider_while_streaming_is_no_refusal(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_long_answer(pilot, app, fake_api)
        current = app.agent.provider
        assert app.switch_provider(current.name) is True
        assert app.switch_model(f" {current.model} ") is True
        assert SWITCH_REFUSED not in _notices(app)
        assert app.switch_model("claude-haiku-4-5") is False
        assert _notices(app)[-1] == SWITCH_REFUSED
        await pilot.press("escape")
        await finish_turn(pilot, app)


async def test_a_switch_closes_the_provider_left(make_app: Any, fake_api: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        left = app.agent.provider
        closed: list[str] = []

        async def aclose() -> None:
            closed.append(left.name)

        left.aclose = aclose
        assert app.switch_provider("openai") is True
        await wait_until(pilot, lambda: closed == ["anthropic"])
        await wait_until(pilot, lambda: app.provider == "openai")
