"""The agent on a real provider against the fake API (imported as ``agent_rig``; see conftest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_doubles import Recorder
from fakeapi import FakeAPI

from flux_tui.core.agent import Agent
from flux_tui.llm.base_provider import BaseLLMProvider

MODELS = {"anthropic": "claude-sonnet-4-6", "openai": "gpt-4o"}
KEYS = {"anthropic": "sk-ant-agent-test-key", "openai": "sk-agent-test-key"}
PATHS = {"anthropic": "/v1/messages", "openai": "/v1/chat/completions"}


@dataclass
class Rig:
    """An Agent on a real provider talking to the fake API, with a ToolBox on ``workspace``."""

    api: FakeAPI
    kind: str
    workspace: Path
    agent: Agent
    recorder: Recorder
    providers: list[BaseLLMProvider] = field(default_factory=list)

    @property
    def path(self) -> str:
        return PATHS[self.kind]

    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.api.requests_to(self.path)]

    def queue_calls(
        self, calls: list[tuple[str, str, dict[str, Any] | str]], text: str | None = None
    ) -> None:
        if self.kind == "anthropic":
            self.api.queue_anthropic_tool_use(calls, text)
        else:
            self.api.queue_openai_tool_calls(calls, text, interleave=len(calls) > 1)

    def queue_text(self, text: str, **stream: Any) -> None:
        if self.kind == "anthropic":
            self.api.queue_anthropic_text(text, **stream)
        else:
            self.api.queue_openai_text(text, **stream)


MakeRig = Callable[..., Rig]
