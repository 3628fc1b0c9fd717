"""``ReliableStep`` on in-memory providers: the choice of fallback, skipped fallbacks, the policy's
arithmetic and ``from_config``. (The fault matrix covers the same paths over real HTTP.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent, Notice, ProviderSwitched, TurnFailed
from flux_tui.core.budget import HEADLESS_BUDGET_WORDS, refuse_over_budget
from flux_tui.core.errors import (
    AuthenticationError,
    ConfigError,
    OverloadedError,
    RateLimitError,
)
from flux_tui.core.failover import ReliableStep
from flux_tui.core.retry import RetryPolicy, format_seconds
from flux_tui.core.transcript import TextBlock, Transcript


class Fake:
    """A provider that fails with the scripted errors, then answers ``text``."""

    kind = "fake"

    def __init__(self, name: str, model: str = "m", errors: list[Exception] | None = None, text: str = "ok"):
        self.name, self.model = name, model
        self.transcript = Transcript()
        self.errors = list(errors or [])
        self.text = text
        self.sent: list[str | None] = []
        self.closed = False

    async def send_message(
        self, message: str | None, system_prompt: str | None = None, tools: Any = None
    ) -> AsyncIterator[Any]:
        if message is not None:
            self.transcript.add_user_text(message)
        self.sent.append(message)
        if self.errors:
            raise self.errors.pop(0)
        yield {"type": "text", "content": self.text}
        self.transcript.add_assistant(
            [TextBlock(self.text)], provider=self.name, model=self.model, stop_reason="end_turn"
        )
        yield {"type": "done", "stop_reason": "end_turn"}

    def add_tool_result(self, *args: Any, **kw: Any) -> None: ...

    def set_current_file_context(self, file_path: str | None) -> None: ...

    async def aclose(self) -> None:
        self.closed = True


def overloaded() -> OverloadedError:
    return OverloadedError("primary is overloaded (529)", provider="p", status_code=529)


def run(
    primary: Fake, factory: Any, fallbacks: list[tuple[str, str | None]]
) -> tuple[Agent, list[AgentEvent]]:
    events: list[AgentEvent] = []

    async def no_sleep(seconds: float) -> None:
        return None

    step = ReliableStep(
        policy=RetryPolicy(max_retries=0), fallbacks=fallbacks, factory=factory, sleep=no_sleep
    )
    agent = Agent(primary, sinks=[events.append], stream_step=step)  # type: ignore[arg-type]
    return agent, events


async def test_fallbacks_skip_the_current_target_unbuildable_and_broken_ones() -> None:
    primary = Fake("p", errors=[overloaded()])
    broken = Fake("b", errors=[AuthenticationError("invalid key for b (B_KEY)")])
    good = Fake("g", text="from g")
    built: list[tuple[str, str | None]] = []

    def factory(name: str, model: str | None) -> Fake:
        built.append((name, model))
        if name == "nokey":
            raise ConfigError("NOKEY_API_KEY is required for nokey provider")
        if name == "p":
            return Fake("p", "m")  # the same target as the failing one: never tried
        return {"b": broken, "g": good}[name]

    agent, events = run(primary, factory, [("p", "m"), ("nokey", None), ("b", None), ("g", "x")])
    assert await agent.run_turn("hi") == "end_turn"
    assert built == [("p", "m"), ("nokey", None), ("b", None), ("g", "x")]
    assert broken.sent == [None] and good.sent == [None]  # the prompt went to the primary only
    assert agent.provider is good and primary.closed and broken.closed
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert notices == [
        "fallback nokey skipped: NOKEY_API_KEY is required for nokey provider",
        "p is overloaded; switching to b:m",
        "fallback b:m failed too: invalid key for b (B_KEY)",
        "trying the next fallback: g:m",
    ]
    (switch,) = [e for e in events if isinstance(e, ProviderSwitched)]
    assert (switch.provider, switch.previous_provider, switch.reason) == ("g", "p", "failover")
    assert [m.text for m in agent.transcript.messages] == ["hi", "from g"]


async def test_no_failover_on_a_non_retryable_error() -> None:
    primary = Fake("p", errors=[AuthenticationError("invalid key for p (P_KEY)")])
    agent, events = run(primary, lambda n, m: pytest.fail("no fallback may be built"), [("g", None)])
    assert await agent.run_turn("hi") == "error"
    (failed,) = [e for e in events if isinstance(e, TurnFailed)]
    assert failed.error == "invalid key for p (P_KEY)"


async def test_a_provider_that_cannot_start_leaves_the_prompt_for_retry() -> None:
    class Unbuilt(Fake):
        async def send_message(self, message: str | None, *a: Any, **k: Any) -> AsyncIterator[Any]:
            raise ConfigError("OPENAI_API_KEY is required for OpenAI provider")
            yield  # pragma: no cover

    agent, events = run(Unbuilt("p"), None, [])
    assert await agent.run_turn("hello") == "error"
    # never sent: not in the history, nothing committed; reported unsent, and /retry can send it
    assert agent.transcript.messages == []
    assert [e for e in events if e.kind == "message"] == []
    assert [(e.prompt, e.sent) for e in events if e.kind == "prompt_unanswered"] == [("hello", False)]
    assert agent.unanswered == "hello"


def test_policy_backoff_and_retry_after() -> None:
    policy = RetryPolicy(max_retries=4, base_delay=1, max_delay=5, rng=lambda: 1.0)
    error = overloaded()
    assert [policy.delay(n, error) for n in range(1, 6)] == [1, 2, 4, 5, None]
    assert RetryPolicy(rng=lambda: 0.25).delay(3, error) == 1.0  # full jitter: 0.25 * 4
    assert RetryPolicy(rng=lambda: 0.0).delay(1, error) == 0.05  # never a busy loop
    slow = RateLimitError("rate limited", retry_after=7)
    assert policy.delay(1, slow) == 7
    assert policy.delay(1, RateLimitError("x", retry_after=500)) is None  # too long: fail over
    assert policy.delay(1, AuthenticationError("no")) is None
    assert [format_seconds(s) for s in (0.04, 0.5, 2, 2.26, 12.4)] == ["0 s", "0.5 s", "2 s", "2.3 s", "12 s"]


def test_from_config() -> None:
    config = SimpleNamespace(
        max_retries=2, budget_usd=3.0, fallback_targets=lambda: [("openai", "gpt-4o"), ("ollama", None)]
    )
    step = ReliableStep.from_config(
        config, factory=None, confirm_over_budget=refuse_over_budget, budget_words=HEADLESS_BUDGET_WORDS
    )
    assert step.policy.max_retries == 2 and step.policy.attempts == 3
    assert step.fallbacks == [("openai", "gpt-4o"), ("ollama", None)]
    assert step.budget is not None and step.budget.budget == 3.0
    assert step.budget.confirm is refuse_over_budget and step.budget.words is HEADLESS_BUDGET_WORDS


async def test_a_stream_that_never_starts_gets_an_honest_hint() -> None:
    from flux_tui.core.errors import IncompleteStreamError

    primary = Fake("p", errors=[IncompleteStreamError("the answer from p ended early")])
    agent, events = run(primary, None, [])
    assert await agent.run_turn("hi") == "error"
    (failed,) = [e for e in events if isinstance(e, TurnFailed)]
    assert failed.hint == "The answer broke off before any of it arrived. /retry asks again."
