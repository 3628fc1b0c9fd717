"""Provider failures and cancellation: nothing lost, every tool call answered, the next turn works."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from agent_doubles import (
    Fail,
    Hang,
    Recorder,
    ScriptedProvider,
    assert_valid_history,
    calls,
    reply,
    text,
    tool_use,
    usage,
)

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import (
    ToolCallFinished,
    TurnCancelled,
    TurnFailed,
    UsageReported,
)
from flux_tui.core.errors import AuthenticationError, IncompleteStreamError, ModelNotFoundError
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest, PreparedCall, ToolOutcome
from flux_tui.core.retry import retry_last
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox


async def test_provider_error_is_reported_not_raised_and_the_next_turn_works() -> None:
    error = AuthenticationError("invalid key for anthropic (ANTHROPIC_API_KEY)", provider="anthropic")
    provider = ScriptedProvider([[Fail(error)], reply("now it works")])
    rec = Recorder()
    agent = Agent(provider, sinks=[rec])

    assert await agent.run_turn("hello") == "error"

    (failed,) = rec.of(TurnFailed)
    assert failed.error == "invalid key for anthropic (ANTHROPIC_API_KEY)"
    assert failed.error_type == "AuthenticationError"
    assert failed.hint and "key" in failed.hint
    assert rec.kinds()[-1] == "turn_failed" and "turn_finished" not in rec.kinds()
    # the prompt got no answer: out of the history (never committed), kept for /retry
    assert rec.committed() == [] and agent.transcript.messages == []
    assert agent.unanswered == "hello"

    assert await retry_last(agent) == "end_turn"  # /retry sends the same prompt, once
    assert [(m["role"], m["blocks"][0]["text"]) for m in provider.requests[1].messages] == [("user", "hello")]


async def test_mid_stream_failure_commits_the_partial_answer_with_its_usage() -> None:
    error = IncompleteStreamError("the stream was cut", partial_text="The answer is")
    provider = ScriptedProvider([[text("The answer"), text(" is"), usage(50, 3), Fail(error)]])
    rec = Recorder()
    agent = Agent(provider, sinks=[rec])

    assert await agent.run_turn("what?") == "error"

    assistant = rec.committed()[-1]
    assert assistant["role"] == "assistant" and assistant["incomplete"] is True
    assert assistant["blocks"][0]["text"] == "The answer is"
    final = [u for u in rec.of(UsageReported) if not u.estimated]
    assert [(u.input_tokens, u.output_tokens) for u in final] == [(50, 3)]
    assert rec.of(TurnFailed)[0].error_type == "IncompleteStreamError"


async def test_model_not_found_hint_lists_available_models() -> None:
    error = ModelNotFoundError("model gpt-9 not found", available=["gpt-4o", "gpt-5"])
    rec = Recorder()
    await Agent(ScriptedProvider([[Fail(error)]]), sinks=[rec]).run_turn("hi")
    assert "gpt-4o, gpt-5" in (rec.of(TurnFailed)[0].hint or "")


async def test_unexpected_exception_is_a_failure_not_a_crash() -> None:
    rec = Recorder()
    agent = Agent(ScriptedProvider([[text("a"), Fail(KeyError("boom"))]]), sinks=[rec])
    assert await agent.run_turn("hi") == "error"
    assert rec.of(TurnFailed)[0].error_type == "KeyError"
    assert not agent.running


async def test_failure_after_tool_calls_streamed_closes_them(tmp_path: Path) -> None:
    error = IncompleteStreamError("cut after the call")
    provider = ScriptedProvider(
        [[tool_use("t1", "read_file", {"path": "a"}), Fail(error)], reply("recovered")]
    )
    agent = Agent(provider, tools=ToolBox(tmp_path))
    assert await agent.run_turn("go") == "error"
    assert_valid_history(agent.transcript.messages)
    assert agent.transcript.messages[-1].tool_results[0].status == "interrupted"
    assert await agent.run_turn("again") == "end_turn"
    assert_valid_history(provider.requests[-1].messages)


async def run_until(agent: Agent, prompt: str, started: asyncio.Event) -> asyncio.Task[str]:
    task = asyncio.create_task(agent.run_turn(prompt))
    await asyncio.wait_for(started.wait(), 10)
    return task


async def test_cancel_while_streaming_keeps_the_partial_answer_and_reraises() -> None:
    hang = Hang()
    provider = ScriptedProvider([[text("partial "), text("answer"), hang], reply("next")])
    rec = Recorder()
    agent = Agent(provider, sinks=[rec])

    task = await run_until(agent, "long question", hang.started)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert rec.kinds()[-1] == "turn_cancelled" and len(rec.of(TurnCancelled)) == 1
    assistant = rec.committed()[-1]
    assert assistant["incomplete"] is True and assistant["blocks"][0]["text"] == "partial answer"
    assert not agent.running

    assert await agent.run_turn("new prompt") == "end_turn"
    assert [m["role"] for m in provider.requests[1].messages] == ["user", "assistant", "user"]


async def test_cancel_after_tool_calls_streamed_closes_them_as_cancelled(tmp_path: Path) -> None:
    hang = Hang()
    provider = ScriptedProvider(
        [[tool_use("a", "read_file", {"path": "x"}), tool_use("b", "list_files", {}), hang], reply("ok")]
    )
    agent = Agent(provider, tools=ToolBox(tmp_path))
    task = await run_until(agent, "go", hang.started)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    results = agent.transcript.messages[-1].tool_results
    assert [(r.tool_use_id, r.status) for r in results] == [("a", "cancelled"), ("b", "cancelled")]
    await agent.run_turn("new prompt")
    assert_valid_history(provider.requests[-1].messages)


async def test_cancel_while_waiting_for_approval(tmp_path: Path) -> None:
    asked = asyncio.Event()
    rec = Recorder()

    async def never_answers(request: ApprovalRequest) -> ApprovalDecision:
        # The read runs concurrently while the user looks at the dialog; let it finish first.
        for _ in range(500):
            if rec.of(ToolCallFinished):
                break
            await asyncio.sleep(0.01)
        asked.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    (tmp_path / "a.txt").write_text("a\n")
    script = [
        calls(
            tool_use("r", "read_file", {"path": "a.txt"}),
            tool_use("w", "write_file", {"path": "a.txt", "content": "changed\n"}),
        ),
        reply("ok"),
    ]
    provider = ScriptedProvider(script)
    agent = Agent(provider, tools=ToolBox(tmp_path), approver=never_answers, sinks=[rec])
    task = await run_until(agent, "go", asked)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert (tmp_path / "a.txt").read_text() == "a\n"
    results = agent.transcript.messages[-1].tool_results
    assert [(r.tool_use_id, r.status) for r in results] == [("r", "ok"), ("w", "cancelled")]
    assert {f.call_id: f.status for f in rec.of(ToolCallFinished)} == {"r": "done", "w": "cancelled"}
    # the tool-result message is committed once, in its final form
    committed = [
        m for m in rec.committed() if m["role"] == "user" and m["blocks"][0]["type"] == "tool_result"
    ]
    assert len(committed) == 1 and len(committed[0]["blocks"]) == 2
    await agent.run_turn("try again")
    assert_valid_history(provider.requests[-1].messages)


async def test_cancel_kills_a_running_command(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    command = f"sleep 60 & echo $! > {pid_file}; wait"
    script = [calls(tool_use("c", "run_command", {"command": command})), reply("ok")]
    provider = ScriptedProvider(script)
    rec = Recorder()
    running = asyncio.Event()
    rec_sink = rec

    def on_event(event: object) -> None:
        rec_sink(event)  # type: ignore[arg-type]
        if getattr(event, "kind", "") == "tool_call_running":
            running.set()

    agent = Agent(provider, tools=ToolBox(tmp_path, yolo=True), sinks=[on_event])
    task = await run_until(agent, "run it", running)
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        await asyncio.sleep(0.02)
    pid = int(pid_file.read_text())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await _dies(pid)
    assert rec.of(ToolCallFinished)[0].status == "cancelled"
    assert agent.transcript.messages[-1].tool_results[0].status == "cancelled"


async def _dies(pid: int) -> bool:
    """Signals land asynchronously: give the kernel a moment to finish the process off."""
    for _ in range(250):
        if not _alive(pid):
            return True
        await asyncio.sleep(0.02)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def test_a_second_turn_cannot_start_while_one_runs() -> None:
    hang = Hang()
    agent = Agent(ScriptedProvider([[hang, text("x")]]))
    task = await run_until(agent, "one", hang.started)
    with pytest.raises(RuntimeError):
        await agent.run_turn("two")
    hang.release.set()
    assert await task == "other"  # the scripted reply had no done event


class SlowWriter:
    """A ToolRunner whose one tool is a change that must complete once started."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.gate = asyncio.Event()
        self.done = False

    def schemas(self) -> list[dict[str, Any]]:
        return [{"name": "save", "description": "saves", "input_schema": {"type": "object"}}]

    def prepare(self, call: ToolCall) -> PreparedCall:
        return PreparedCall(call, finish_on_cancel=True)

    async def run(self, prepared: PreparedCall) -> ToolOutcome:
        self.started.set()
        await self.gate.wait()
        self.done = True
        return ToolOutcome("saved 3 bytes", diff="+abc")

    def allow_for_session(self, tool_name: str) -> None:
        pass

    def history_replaced(self) -> None:
        pass


async def test_cancel_during_a_change_lets_it_land_and_reports_it_truthfully() -> None:
    writer = SlowWriter()
    provider = ScriptedProvider([calls(tool_use("s", "save", {})), reply("ok")])
    rec = Recorder()
    agent = Agent(provider, tools=writer, sinks=[rec])
    task = await run_until(agent, "save it", writer.started)
    task.cancel()
    await asyncio.sleep(0)
    writer.gate.set()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert writer.done
    (finished,) = rec.of(ToolCallFinished)
    assert finished.status == "done" and finished.diff == "+abc"
    result = agent.transcript.messages[-1].tool_results[0]
    assert (result.status, result.content) == ("ok", "saved 3 bytes")
    assert rec.kinds()[-1] == "turn_cancelled"
