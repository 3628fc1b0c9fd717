"""The recorder on the real agent loop: what is stored reloads as the agent's own history.

A scripted in-memory provider and tool runner drive ``flux_tui.core.agent.Agent`` through a tool turn,
a cancelled turn and a failed turn. The store must give back the same events and the same transcript,
and a crash after ANY event (every prefix of the stream) must rebuild a history valid for any provider.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.errors import ProviderConnectionError
from flux_tui.core.protocols import PreparedCall, ToolOutcome
from flux_tui.core.transcript import Block, TextBlock, ThinkingBlock, ToolCall, Transcript
from flux_tui.sessions import SessionRecorder, SessionStore
from flux_tui.sessions.rebuild import rebuild

HANG = "hang"


class ScriptedChat:
    """Appends the prompt when the stream starts and the reply when it ends (incomplete if cut), like
    the real providers."""

    kind = "scripted"

    def __init__(self, script: list[list[Any]]) -> None:
        self.name, self.model = "scripted", "model-1"
        self.transcript = Transcript()
        self.script = script
        self.hanging = asyncio.Event()

    async def send_message(
        self, message: str | None, system_prompt: str | None = None, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[Any]:
        if message is not None:
            self.transcript.add_user_text(message)
        thinking, text, calls, stop, complete = "", "", [], None, False
        try:
            for step in self.script.pop(0):
                if step == HANG:
                    self.hanging.set()
                    await asyncio.Event().wait()
                if isinstance(step, Exception):
                    raise step
                kind = step["type"]
                if kind == "thinking":
                    thinking += step["content"]
                elif kind == "text":
                    text += step["content"]
                elif kind == "tool_use":
                    calls.append(ToolCall(step["id"], step["name"], step["input"]))
                elif kind == "done":
                    stop = step["stop_reason"]
                yield step
                await asyncio.sleep(0)
            complete = True
        finally:
            blocks: list[Block] = [ThinkingBlock(thinking, self.name, self.model)] if thinking else []
            blocks += [TextBlock(text)] if text else []
            blocks += calls
            if blocks:
                self.transcript.add_assistant(
                    blocks, provider=self.name, model=self.model, stop_reason=stop, incomplete=not complete
                )

    def add_tool_result(self, tool_use_id: str, result: str, is_error: bool = False) -> None:
        self.transcript.add_tool_result(tool_use_id, result, is_error=is_error)

    def set_current_file_context(self, file_path: str | None) -> None:
        self.transcript.file_context = file_path


class EchoTools:
    def schemas(self) -> list[dict[str, Any]]:
        return [{"name": "echo", "description": "echo", "input_schema": {"type": "object"}}]

    def prepare(self, call: ToolCall) -> PreparedCall:
        return PreparedCall(call=call, decision="auto", read_only=True)

    async def run(self, prepared: PreparedCall) -> ToolOutcome:
        return ToolOutcome(content=f"echo {prepared.call.input['say']}")

    def allow_for_session(self, tool_name: str) -> None:
        pass

    def history_replaced(self) -> None:
        pass


def text(content: str) -> dict[str, Any]:
    return {"type": "text", "content": content}


def usage() -> dict[str, Any]:
    return {
        "type": "usage",
        "provider": "scripted",
        "model": "model-1",
        "input_tokens": 50,
        "output_tokens": 7,
    }


def done(stop: str) -> dict[str, Any]:
    return {"type": "done", "stop_reason": stop}


def call(call_id: str, say: str) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": "echo", "input": {"say": say}}


SCRIPT: list[list[Any]] = [
    [{"type": "thinking", "content": "Two echoes."}, text("Calling "), text("tools."),
     call("c1", "one"), call("c2", "two"), usage(), done("tool_use")],
    [text("Both "), text("echoed."), usage(), done("end_turn")],
    [text("Working "), text("on it"), HANG],
    [text("Partial "), ProviderConnectionError("connection reset by peer")],
]  # fmt: skip


@pytest.fixture
async def recorded(store: SessionStore) -> tuple[Agent, list[AgentEvent], str]:
    provider = ScriptedChat([list(s) for s in SCRIPT])
    seen: list[AgentEvent] = []
    recorder = SessionRecorder(store, secrets=["not-a-real-key-123"])
    agent = Agent(provider, tools=EchoTools(), sinks=[seen.append, recorder])
    assert await agent.run_turn("Echo one and two") == "end_turn"
    task = asyncio.create_task(agent.run_turn("Now something long"))
    await provider.hanging.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await agent.run_turn("Try again") == "error"
    recorder.close()
    return agent, seen, recorder.ensure_session()


async def test_a_recorded_agent_session_reloads_as_it_was(
    store: SessionStore, recorded: tuple[Agent, list[AgentEvent], str]
) -> None:
    agent, seen, session_id = recorded
    assert {"turn_cancelled", "turn_failed", "tool_call_finished", "thinking_delta"} <= {e.kind for e in seen}
    loaded = store.load(session_id)
    assert loaded.events == seen
    assert loaded.repaired is False  # the agent closed everything itself
    assert loaded.transcript.to_dict() == agent.transcript.to_dict()
    info = loaded.meta
    assert (info.turns, info.title, info.providers) == (3, "Echo one and two", ["scripted"])


async def test_a_crash_after_any_event_rebuilds_a_valid_history(
    recorded: tuple[Agent, list[AgentEvent], str],
) -> None:
    agent, seen, _ = recorded
    final = agent.transcript.to_dict()["messages"]
    for cut in range(len(seen) + 1):
        rebuilt = rebuild(seen[:cut])
        messages = rebuilt.transcript.messages
        assert rebuilt.transcript.pending_tool_calls() == [], cut
        for index, message in enumerate(messages):
            if message.tool_calls:
                answered = {r.tool_use_id for r in messages[index + 1].tool_results}
                assert {c.id for c in message.tool_calls} <= answered, cut
        # what had been committed is exactly the agent's history so far; repairs only add to it
        committed = [m for m in messages if m.to_dict() in final]
        assert [m.to_dict() for m in committed] == final[: len(committed)], cut
