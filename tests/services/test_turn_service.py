"""``build_agent`` and ``TurnRunner``: the agent with its ReliableStep, and /retry, /continue, /budget
and prompt cleaning, run against the fake API with the real providers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fakeapi import FakeAPI

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent, ProviderSwitched, TextDelta, TurnFailed
from flux_tui.core.config import Config
from flux_tui.core.failover import ReliableStep
from flux_tui.core.transcript import Transcript
from flux_tui.services.providers import ProviderService
from flux_tui.services.turns import (
    NO_BUDGETS,
    NOTHING_TO_CONTINUE,
    NOTHING_TO_RETRY,
    NothingToDo,
    TurnRunner,
    build_agent,
    clean_prompt,
    continuable,
)

MakeConfig = Callable[..., Config]


def agent_for(config: Config, *, provider: str = "anthropic", **kw: Any) -> tuple[Agent, list[AgentEvent]]:
    events: list[AgentEvent] = []
    service = ProviderService(config, Transcript())
    agent = build_agent(
        config,
        service.build(service.resolve(provider)),
        tools=None,
        approver=None,
        sinks=[events.append],
        system_prompt="You are a test assistant.",
        fallback=service.fallback,
        confirm_over_budget=None,
        **kw,
    )
    return agent, events


def answer(events: list[AgentEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def test_the_agent_steps_through_a_reliable_step_from_the_config(make_config: MakeConfig) -> None:
    spent = lambda: 1.5  # noqa: E731
    agent, _events = agent_for(make_config(budget_usd=3.0, max_retries=1), spent_elsewhere_today=spent)
    step = agent.stream_step
    assert isinstance(step, ReliableStep)
    assert step.policy.max_retries == 1
    assert step.budget is not None and step.budget.budget == 3.0
    assert step.budget.spent_elsewhere_today is spent
    assert TurnRunner(agent).step is step and TurnRunner(agent).budget_guard is step.budget


async def test_a_failing_provider_fails_over_to_the_configured_fallback(
    make_config: MakeConfig, fake_api: FakeAPI
) -> None:
    fake_api.queue_error("/v1/messages", 529)
    fake_api.queue_openai_text("From the fallback.")
    agent, events = agent_for(make_config(max_retries=0, fallback=["openai"]))

    stop = await TurnRunner(agent).prompt_work("hello")

    assert stop == "end_turn"
    assert answer(events) == "From the fallback."
    assert agent.provider.name == "openai"
    assert [e.reason for e in events if isinstance(e, ProviderSwitched)] == ["failover"]
    await agent.provider.aclose()


async def test_retry_asks_again_for_the_answer_that_failed(
    make_config: MakeConfig, fake_api: FakeAPI
) -> None:
    agent, events = agent_for(make_config(max_retries=0))
    runner = TurnRunner(agent)
    with pytest.raises(NothingToDo) as nothing:
        runner.retry_work()
    assert str(nothing.value) == NOTHING_TO_RETRY

    fake_api.queue_error("/v1/messages", 400, message="bad request")
    await runner.prompt_work("hello")
    assert any(isinstance(e, TurnFailed) for e in events)
    fake_api.queue_anthropic_text("Second time lucky.")
    assert await runner.retry_work() == "end_turn"
    assert answer(events) == "Second time lucky."
    with pytest.raises(NothingToDo):
        runner.retry_work()  # the last answer is complete
    await agent.provider.aclose()  # type: ignore[attr-defined]


def test_continue_needs_something_to_go_on_from(make_config: MakeConfig) -> None:
    agent, _events = agent_for(make_config())
    with pytest.raises(NothingToDo) as nothing:
        TurnRunner(agent).continue_work()
    assert str(nothing.value) == NOTHING_TO_CONTINUE

    transcript = Transcript()
    assert not continuable(transcript)
    transcript.add_user_text("go")
    assert continuable(transcript)
    said = {"provider": "openai", "model": "gpt-4o"}
    transcript.add_assistant([], stop_reason=None, incomplete=True, **said)
    assert continuable(transcript)
    transcript.add_user_text("again")
    transcript.add_assistant([], stop_reason="end_turn", **said)
    assert not continuable(transcript)


def test_budget_command(make_config: MakeConfig) -> None:
    runner = TurnRunner(agent_for(make_config())[0])
    shown = runner.budget("")
    assert shown.level == "info" and shown.text.startswith("No budget set") and not shown.changed
    assert runner.budget("5") == ("Budget set to $5.00 ($0.00 spent so far).", "info", True, 5.0)
    assert runner.budget("off") == ("Budget removed: requests are no longer capped.", "info", True, None)
    bad = runner.budget("lots")
    assert bad.level == "warning" and not bad.changed


def test_budget_command_without_a_guard(make_config: MakeConfig) -> None:
    service = ProviderService(make_config(), Transcript())
    plain = Agent(service.initial()[0])
    assert TurnRunner(plain).budget("5") == (NO_BUDGETS, "warning", False, None)


def test_clean_says_what_it_removed() -> None:
    text, notes = clean_prompt("hello\x00\x1b[31m world")
    assert text == "hello world"
    assert len(notes) == 1
    assert TurnRunner.clean("plain") == ("plain", [])
