"""An in-memory provider that plays scripted replies the way a real provider does.

Like ``BaseLLMProvider`` implementations, ``send_message`` appends the prompt to the transcript when the
stream starts and the assistant message when it ends, also when it fails or is cancelled (then marked
``incomplete`` with whatever had streamed). Each call records the request it "sent": the transcript as
it was (``to_dict``), the system prompt and the tool names.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.agent_events import AgentEvent, MessageCommitted
from flux_tui.core.events import ProviderEvent
from flux_tui.core.transcript import Message, TextBlock, ThinkingBlock, ToolCall, Transcript
from flux_tui.llm.base_provider import BaseLLMProvider, ProviderSettings


@dataclass
class Hang:
    """Script step: block until cancelled (or until ``release`` is set)."""

    started: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Fail:
    """Script step: raise this exception (after the events before it were streamed)."""

    error: BaseException


def text(content: str) -> ProviderEvent:
    return {"type": "text", "content": content}


def tool_use(call_id: str, name: str, input: dict[str, Any] | None = None, error: str | None = None) -> Any:
    event: dict[str, Any] = {"type": "tool_use", "id": call_id, "name": name, "input": input or {}}
    if error is not None:
        event["input_error"] = error
    return event


def usage(input_tokens: int = 10, output_tokens: int = 5, **extra: int) -> Any:
    return {
        "type": "usage",
        "provider": "scripted",
        "model": "scripted-model",
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_read_tokens": extra.get("cache_read_tokens", 0),
        "cache_write_tokens": extra.get("cache_write_tokens", 0),
        "reasoning_tokens": extra.get("reasoning_tokens", 0),
    }


def done(stop_reason: str = "end_turn") -> ProviderEvent:
    return {"type": "done", "stop_reason": stop_reason}


def reply(*parts: str) -> list[Any]:
    return [*(text(p) for p in parts), usage(), done()]


def calls(*tool_uses: Any) -> list[Any]:
    return [*tool_uses, usage(), done("tool_use")]


@dataclass
class Request:
    message: str | None
    system_prompt: str | None
    tools: list[str]
    transcript: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.transcript["messages"]


class ScriptedProvider(BaseLLMProvider):
    kind = "scripted"
    records_transcript = True  # it appends its own messages (scripted failures need exact control)

    def __init__(
        self,
        script: list[list[Any]],
        transcript: Transcript | None = None,
        *,
        name: str = "scripted",
        model: str = "scripted-model",
    ) -> None:
        super().__init__(ProviderSettings(name=name, kind="scripted", model=model), transcript)
        self.script = list(script)
        self.requests: list[Request] = []
        self.file_contexts: list[str | None] = []

    def set_current_file_context(self, file_path: str | None) -> None:
        self.file_contexts.append(file_path)
        super().set_current_file_context(file_path)

    async def list_models(self) -> list[str]:
        return [self.model]

    async def send_message(
        self,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[ProviderEvent]:
        if message is not None:
            self.transcript.add_user_text(message)
        self.requests.append(
            Request(message, system_prompt, [t["name"] for t in tools or []], self.transcript.to_dict())
        )
        if not self.script:
            raise AssertionError("ScriptedProvider: no scripted reply left")
        steps = self.script.pop(0)
        blocks: list[Any] = []
        stop: str | None = None
        complete = False
        try:
            for step in steps:
                if isinstance(step, Hang):
                    step.started.set()
                    await step.release.wait()
                    continue
                if isinstance(step, Fail):
                    raise step.error
                _collect(blocks, step)
                if step["type"] == "done":
                    stop = step["stop_reason"]
                yield step
            complete = True
        finally:
            if blocks:
                self.transcript.add_assistant(
                    blocks,
                    provider=self.name,
                    model=self.model,
                    stop_reason=stop,
                    incomplete=not complete,
                )


def _collect(blocks: list[Any], event: Any) -> None:
    kind = event["type"]
    if kind == "text":
        if blocks and isinstance(blocks[-1], TextBlock):
            blocks[-1].text += event["content"]
        else:
            blocks.append(TextBlock(event["content"]))
    elif kind == "thinking":
        blocks.append(ThinkingBlock(event["content"], provider="scripted", model="scripted-model"))
    elif kind == "tool_use":
        blocks.append(ToolCall(event["id"], event["name"], event["input"], event.get("input_error")))


class Recorder:
    """An event sink that keeps everything."""

    def __init__(self) -> None:
        self.events: list[AgentEvent] = []

    def __call__(self, event: AgentEvent) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def of(self, cls: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, cls)]

    def committed(self) -> list[dict[str, Any]]:
        return [e.message for e in self.events if isinstance(e, MessageCommitted)]


def assert_valid_history(messages: list[Message] | list[dict[str, Any]]) -> None:
    """What both APIs demand: every tool call answered in the next message, no stray results."""
    dicts = [m.to_dict() if isinstance(m, Message) else m for m in messages]
    for index, message in enumerate(dicts):
        call_ids = [b["id"] for b in message["blocks"] if b["type"] == "tool_use"]
        if message["role"] == "assistant" and call_ids:
            assert index + 1 < len(dicts), f"tool calls {call_ids} at the end of the history"
            following = dicts[index + 1]
            answered = [b["tool_use_id"] for b in following["blocks"] if b["type"] == "tool_result"]
            assert following["role"] == "user"
            assert sorted(answered) == sorted(call_ids), (call_ids, answered)
        if message["role"] == "user":
            results = [b["tool_use_id"] for b in message["blocks"] if b["type"] == "tool_result"]
            if results:
                previous = dicts[index - 1]
                asked = [b["id"] for b in previous["blocks"] if b["type"] == "tool_use"]
                assert previous["role"] == "assistant" and set(results) <= set(asked)
