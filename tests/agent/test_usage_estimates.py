"""The live usage estimate of a reply the provider has not reported yet (the figure Esc keeps on OpenAI).

It counts the prompt that is read from the cache as cache reads, the reasoning a model does without
streaming it, and the framing of each tool call.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from agent_doubles import Recorder, ScriptedProvider, done, text, usage

from flux_tui.core import _agent_usage
from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent, UsageReported
from flux_tui.core.pricing import price_usage
from flux_tui.core.tokens import count_tokens


def openai_agent(script: list[list[Any]]) -> tuple[Agent, Recorder]:
    provider = ScriptedProvider(script, name="openai", model="gpt-4o")
    provider.kind = "openai"
    recorder = Recorder()
    return Agent(provider, sinks=[recorder]), recorder


async def test_a_cached_prompt_is_estimated_as_cache_reads() -> None:
    context = "alpha beta gamma delta " * 1100  # ~6,300 tokens (estimated): cached for the next request
    agent, rec = openai_agent(
        [
            [text("Read it."), usage(300, 5, cache_read_tokens=5800), done()],
            [text("A second answer, cut off before the provider reported its usage")],  # no usage, no done
        ]
    )
    await agent.run_turn(context)
    await agent.run_turn("And now?")

    settled = rec.of(UsageReported)[-1]
    assert settled.estimated and settled.settled
    prompt = settled.input_tokens + settled.cache_read_tokens
    assert prompt > 6000
    assert settled.cache_read_tokens >= 5800 // 128 * 128  # the previous prompt, in cache steps
    assert settled.input_tokens < 1000
    all_fresh = price_usage(
        "openai", "gpt-4o", {"input_tokens": prompt, "output_tokens": settled.output_tokens}
    )
    assert all_fresh is not None and settled.cost is not None and settled.cost < 0.7 * all_fresh


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def meter(events: list[AgentEvent], clock: Clock, memory: Any) -> Any:
    return _agent_usage.UsageMeter(
        events.append,
        kind="openai",
        provider="openai",
        model="o4-mini",
        input_tokens=lambda: 500,
        interval=0.0,
        clock=clock,
        memory=memory,
    )


def test_hidden_reasoning_is_estimated_from_the_silence_before_the_answer() -> None:
    clock, memory, events = Clock(), _agent_usage.UsageMemory(), []
    first = meter(events, clock, memory)
    first.add_output("Done.")
    clock.now += 10.0  # 1000 output tokens (600 of them reasoning) in 10 s: 100 tokens/s
    first.set_final({**usage(500, 1000, reasoning_tokens=600), "provider": "openai", "model": "o4-mini"})
    first.finish()

    second = meter(events, clock, memory)
    clock.now += 5.0  # silent for 5 s: reasoning that is never streamed
    second.add_output("Hello")
    second.tick()
    estimate = events[-1]
    assert isinstance(estimate, UsageReported) and estimate.estimated
    assert estimate.reasoning_tokens == pytest.approx(500, abs=1)
    assert estimate.output_tokens == pytest.approx(500 + count_tokens("Hello", wait=False), abs=1)


def test_a_tool_call_counts_its_json_arguments_and_framing() -> None:
    events: list[AgentEvent] = []
    usage_meter = meter(events, Clock(), _agent_usage.UsageMemory())
    arguments = {"path": "src/flux_tui/app.py", "start_line": 10}
    usage_meter.add_tool_call("read_file", arguments)
    usage_meter.tick()
    estimate = events[-1]
    assert isinstance(estimate, UsageReported)
    expected = count_tokens("read_file " + json.dumps(arguments), wait=False) + _agent_usage.TOOL_CALL_FRAMING
    assert estimate.output_tokens == expected
