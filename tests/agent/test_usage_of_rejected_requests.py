"""A request the provider rejected (an HTTP error before any of the reply) costs nothing: its attempt
settles to no usage, though the model's earlier replies taught the meter that it reasons unseen (the
silence before the error is no reasoning). A failure after part of the reply still keeps its estimate."""

from __future__ import annotations

import pytest
from agent_doubles import Fail, Recorder, ScriptedProvider, done, text, usage

from flux_tui.core import _agent_usage
from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import UsageReported
from flux_tui.core.errors import BadRequestError, OverloadedError, ProviderError, RateLimitError
from flux_tui.core.ledger import UsageLedger


class Clock:
    """Ten seconds pass each time it is read: every attempt looks long and silent."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 10.0
        return self.now


def reasoning_agent(script: list[list[object]], monkeypatch: pytest.MonkeyPatch) -> tuple[Agent, Recorder]:
    monkeypatch.setattr(_agent_usage.time, "monotonic", Clock())
    provider = ScriptedProvider(script, name="openai", model="o4-mini")
    provider.kind = "openai"
    recorder = Recorder()
    return Agent(provider, sinks=[recorder]), recorder


FIRST = [text("Thought hard."), usage(500, 1000, reasoning_tokens=900), done()]


@pytest.mark.parametrize(
    "error",
    [
        BadRequestError("rejected", status_code=400),
        RateLimitError("slow down", status_code=429),
        ProviderError("unauthorized", status_code=401),
    ],
)
async def test_a_rejected_request_adds_no_usage(
    error: ProviderError, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent, rec = reasoning_agent([FIRST, [Fail(error)]], monkeypatch)
    assert await agent.run_turn("Think") == "end_turn"
    before = rec.of(UsageReported)
    assert await agent.run_turn("Think again") == "error"
    assert rec.of(UsageReported) == before
    ledger = UsageLedger()
    for event in rec.events:
        ledger.apply(event)
    assert not ledger.session.estimated
    assert ledger.session.output_tokens == 1000


async def test_a_failure_after_part_of_the_reply_keeps_its_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    agent, rec = reasoning_agent(
        [FIRST, [text("Half an answer"), Fail(OverloadedError("busy"))]], monkeypatch
    )
    await agent.run_turn("Think")
    await agent.run_turn("Think again")
    last = rec.of(UsageReported)[-1]
    assert last.estimated and last.settled and last.output_tokens > 0
