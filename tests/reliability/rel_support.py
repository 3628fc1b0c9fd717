"""The reliability rig: the real Agent + ReliableStep on real providers against the fake API, with a
session recorder on a temporary store (imported as ``rel_support``; tests/reliability is on sys.path).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakeapi import FakeAPI

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    Notice,
    ProviderSwitched,
    TextDelta,
    TurnFailed,
    event_to_dict,
)
from flux_tui.core.budget import BudgetGuard
from flux_tui.core.failover import ReliableStep
from flux_tui.core.retry import RetryPolicy
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings
from flux_tui.llm.provider_factory import create_provider
from flux_tui.sessions import LoadedSession, SessionRecorder, SessionStore

KINDS = ["anthropic", "openai"]
MODELS = {"anthropic": "claude-sonnet-4-6", "openai": "gpt-4o"}
# Registered in tests/conftest.py (TEST_SECRETS): no file written during the suite may contain them.
KEYS = {
    "anthropic": "sk-ant-reliability-0123456789abcdef",
    "openai": "sk-reliability-openai-0123456789abcdef",
}
KEY_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
PATHS = {"anthropic": "/v1/messages", "openai": "/v1/chat/completions"}
OTHER = {"anthropic": "openai", "openai": "anthropic"}
SYSTEM = "You are a test assistant."


class Events:
    """An event sink that keeps everything."""

    def __init__(self) -> None:
        self.all: list[AgentEvent] = []

    def __call__(self, event: AgentEvent) -> None:
        self.all.append(event)

    def of(self, cls: type) -> list[Any]:
        return [e for e in self.all if isinstance(e, cls)]

    def notices(self) -> list[str]:
        return [e.text for e in self.of(Notice)]

    def text(self) -> str:
        return "".join(e.text for e in self.of(TextDelta))

    def failed(self) -> TurnFailed:
        failures = self.of(TurnFailed)
        assert failures, f"no TurnFailed; events: {[e.kind for e in self.all]}"
        return failures[-1]

    def switches(self) -> list[ProviderSwitched]:
        return self.of(ProviderSwitched)


@dataclass
class Rig:
    api: FakeAPI
    kind: str
    agent: Agent
    events: Events
    step: ReliableStep
    store: SessionStore
    recorder: SessionRecorder
    workspace: Path
    delays: list[float] = field(default_factory=list)
    made: list[BaseLLMProvider] = field(default_factory=list)
    idle_timeout: float = 60.0

    # -- providers ----------------------------------------------------------------------------------

    def build(self, name: str, model: str | None = None) -> BaseLLMProvider:
        """The factory ``ReliableStep`` uses for fallbacks (and the rig for the first provider)."""
        base = self.api.anthropic_base_url if name == "anthropic" else self.api.openai_base_url
        settings = ProviderSettings(
            name=name,
            kind=name,
            model=model or MODELS[name],
            api_key=KEYS[name],
            base_url=base,
            idle_timeout=self.idle_timeout,
        )
        provider = create_provider(settings)
        self.made.append(provider)
        return provider

    # -- scripting ----------------------------------------------------------------------------------

    def queue_text(self, text: str, kind: str | None = None, **kw: Any) -> None:
        if (kind or self.kind) == "anthropic":
            self.api.queue_anthropic_text(text, **kw)
        else:
            self.api.queue_openai_text(text, **kw)

    def queue_calls(self, calls: list[tuple[str, str, Any]], kind: str | None = None) -> None:
        if (kind or self.kind) == "anthropic":
            self.api.queue_anthropic_tool_use(calls)
        else:
            self.api.queue_openai_tool_calls(calls)

    def queue_error(self, status: int, kind: str | None = None, **kw: Any) -> None:
        self.api.queue_error(kind or self.kind, status, **kw)

    def bodies(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [r.body for r in self.api.requests_to(PATHS[kind or self.kind])]

    # -- running ------------------------------------------------------------------------------------

    async def turn(self, prompt: str | None) -> str:
        return await asyncio.wait_for(self.agent.run_turn(prompt), timeout=60)

    def reload(self) -> LoadedSession:
        self.recorder.flush()
        assert self.recorder.session_id is not None
        return self.store.load(self.recorder.session_id)


def make_step(
    rig_build: Any,
    *,
    max_retries: int,
    fallbacks: list[tuple[str, str | None]],
    budget: BudgetGuard | None,
    delays: list[float],
) -> ReliableStep:
    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.sleep(0)

    return ReliableStep(
        policy=RetryPolicy(max_retries=max_retries, rng=lambda: 1.0),
        fallbacks=fallbacks,
        factory=rig_build,
        budget=budget,
        secrets=list(KEYS.values()),
        sleep=fake_sleep,
    )


# -- what the stored session must hold ----------------------------------------------------------------


def merged(events: list[AgentEvent]) -> list[tuple[str, Any]]:
    """(kind, payload) per event, consecutive deltas joined (the store writes a run of them as one)."""
    out: list[tuple[str, Any]] = []
    for kind, run in itertools.groupby(events, key=lambda e: e.kind):
        items = list(run)
        if kind in ("text_delta", "thinking_delta"):
            out.append((kind, "".join(e.text for e in items)))  # type: ignore[attr-defined]
        else:
            for event in items:
                data = event_to_dict(event)
                data.pop("ts")
                out.append((kind, data))
    return out


def assert_session_matches(rig: Rig) -> LoadedSession:
    """The store gives back every event the agent emitted, and the same history."""
    loaded = rig.reload()
    assert merged(loaded.events) == merged(rig.events.all)
    live = [m.to_dict() for m in rig.agent.transcript.messages]
    stored = [m.to_dict() for m in loaded.transcript.messages if m.blocks]  # tombstones of /retry
    assert stored == live
    return loaded


def committed_ids(events: Events) -> list[str]:
    return [e.message["id"] for e in events.of(MessageCommitted)]


# -- what a real API would accept ---------------------------------------------------------------------


def assert_valid_request(kind: str, body: dict[str, Any]) -> None:
    """The structural rules both APIs enforce on the history."""
    messages = body["messages"]
    if kind == "anthropic":
        roles = [m["role"] for m in messages]
        assert roles[0] == "user", roles
        assert all(a != b for a, b in itertools.pairwise(roles)), roles
        for index, message in enumerate(messages):
            blocks = message["content"] if isinstance(message["content"], list) else []
            for block in blocks:
                if block.get("type") == "text":
                    assert block["text"].strip(), "empty text block"
            ids = [b["id"] for b in blocks if b.get("type") == "tool_use"]
            if ids:
                following = messages[index + 1]["content"]
                assert [b["tool_use_id"] for b in following if b.get("type") == "tool_result"] == ids
        return
    chat = [m for m in messages if m["role"] != "system"]
    assert chat and chat[0]["role"] == "user"
    for index, message in enumerate(messages):
        ids = [c["id"] for c in message.get("tool_calls") or []]
        following = [m.get("tool_call_id") for m in messages[index + 1 : index + 1 + len(ids)]]
        assert following == ids, (ids, following)


def user_texts(kind: str, body: dict[str, Any]) -> list[str]:
    """Every text the user said in a request, in order."""
    texts: list[str] = []
    for message in body["messages"]:
        if message["role"] != "user":
            continue
        content = message["content"]
        if isinstance(content, str):
            texts.append(content)
            continue
        texts += [b["text"] for b in content if b.get("type") == "text"]
    return texts


def count_prompt(kind: str, body: dict[str, Any], prompt: str) -> int:
    return sum(text.count(prompt) for text in user_texts(kind, body))


MakeRig = Callable[..., Rig]
