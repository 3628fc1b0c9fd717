"""Approvals, denials, policy, malformed arguments and failing tools inside a turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_doubles import Recorder, ScriptedProvider, assert_valid_history, calls, reply, tool_use

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import ToolCallDecided, ToolCallFinished, ToolCallProposed
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest, PreparedCall, ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox

SOURCE = "def greet():\n    return 'hello'\n"


class ScriptedApprover:
    """Answers approval requests from a list, recording what it was asked."""

    def __init__(self, *answers: ApprovalDecision) -> None:
        self.answers = list(answers)
        self.requests: list[ApprovalRequest] = []

    async def __call__(self, request: ApprovalRequest) -> ApprovalDecision:
        self.requests.append(request)
        return self.answers.pop(0)


def setup(
    tmp_path: Path, script: list[list[Any]], approver: Any = None, **box: Any
) -> tuple[Agent, Recorder, ScriptedProvider]:
    (tmp_path / "app.py").write_text(SOURCE)
    provider = ScriptedProvider(script)
    rec = Recorder()
    agent = Agent(provider, tools=ToolBox(tmp_path, **box), approver=approver, sinks=[rec])
    return agent, rec, provider


EDIT = {"path": "app.py", "old_string": "'hello'", "new_string": "'bonjour'"}


async def test_approved_edit_changes_the_file_and_shows_the_diff(tmp_path: Path) -> None:
    approver = ScriptedApprover(ApprovalDecision("approved"))
    agent, rec, provider = setup(
        tmp_path, [calls(tool_use("e1", "edit_file", EDIT)), reply("done")], approver
    )

    assert await agent.run_turn("say bonjour") == "end_turn"

    assert (tmp_path / "app.py").read_text() == "def greet():\n    return 'bonjour'\n"
    (request,) = approver.requests
    assert request.tool_name == "edit_file" and request.call_id == "e1"
    assert "-    return 'hello'" in (request.preview or "")
    assert "+    return 'bonjour'" in (request.preview or "")
    assert rec.of(ToolCallProposed)[0].preview == request.preview
    assert rec.of(ToolCallDecided)[0].decision == "approved"
    finished = rec.of(ToolCallFinished)[0]
    assert finished.status == "done" and "+    return 'bonjour'" in (finished.diff or "")
    result = provider.requests[1].messages[-1]["blocks"][0]
    assert result["tool_use_id"] == "e1" and not result["is_error"]
    assert agent.transcript.file_context == str((tmp_path / "app.py").resolve())


async def test_denied_edit_leaves_the_file_and_tells_the_model_why(tmp_path: Path) -> None:
    approver = ScriptedApprover(ApprovalDecision("denied", "use French elsewhere"))
    agent, rec, provider = setup(tmp_path, [calls(tool_use("e1", "edit_file", EDIT)), reply("ok")], approver)

    await agent.run_turn("say bonjour")

    assert (tmp_path / "app.py").read_text() == SOURCE
    result = provider.requests[1].messages[-1]["blocks"][0]
    assert result["content"] == "denied by user: use French elsewhere"
    assert result["is_error"] is True and result["status"] == "denied"
    assert rec.of(ToolCallFinished)[0].status == "denied"
    assert "tool_call_running" not in rec.kinds()


async def test_approve_for_session_stops_asking_for_that_tool(tmp_path: Path) -> None:
    approver = ScriptedApprover(ApprovalDecision("approved_session"))
    second = {"path": "app.py", "old_string": "greet", "new_string": "salute"}
    script = [
        calls(tool_use("e1", "edit_file", EDIT)),
        calls(tool_use("e2", "edit_file", second)),
        reply("done"),
    ]
    agent, rec, _ = setup(tmp_path, script, approver)
    await agent.run_turn("two edits")
    await_text = (tmp_path / "app.py").read_text()
    assert await_text == "def salute():\n    return 'bonjour'\n"
    assert len(approver.requests) == 1
    assert [d.decision for d in rec.of(ToolCallDecided)] == ["approved_session", "auto"]


async def test_parallel_approvals_are_asked_one_by_one_in_order(tmp_path: Path) -> None:
    approver = ScriptedApprover(ApprovalDecision("approved"), ApprovalDecision("denied"))
    script = [
        calls(
            tool_use("w1", "write_file", {"path": "one.txt", "content": "1\n"}),
            tool_use("w2", "write_file", {"path": "two.txt", "content": "2\n"}),
        ),
        reply("ok"),
    ]
    agent, _, provider = setup(tmp_path, script, approver)
    await agent.run_turn("write two files")
    assert [r.call_id for r in approver.requests] == ["w1", "w2"]
    assert (tmp_path / "one.txt").read_text() == "1\n"
    assert not (tmp_path / "two.txt").exists()
    results = provider.requests[1].messages[-1]["blocks"]
    assert [(r["tool_use_id"], r["status"]) for r in results] == [("w1", "ok"), ("w2", "denied")]
    assert results[1]["content"] == "denied by user"


async def test_no_approver_means_denied_and_yolo_means_no_question(tmp_path: Path) -> None:
    write = tool_use("w", "write_file", {"path": "new.txt", "content": "x"})
    agent, _, provider = setup(tmp_path, [calls(write), reply("ok")])
    await agent.run_turn("write")
    assert not (tmp_path / "new.txt").exists()
    assert "non-interactive" in provider.requests[1].messages[-1]["blocks"][0]["content"]

    other = tmp_path / "yolo"
    other.mkdir()
    agent, rec, _ = setup(other, [calls(write), reply("ok")], yolo=True)
    await agent.run_turn("write")
    assert (other / "new.txt").read_text() == "x"
    assert rec.of(ToolCallDecided)[0].decision == "yolo"


async def test_policy_deny_refuses_without_asking(tmp_path: Path) -> None:
    approver = ScriptedApprover()
    script = [calls(tool_use("r", "run_command", {"command": "echo hi"})), reply("ok")]
    agent, rec, provider = setup(tmp_path, script, approver, policy={"run_command": "deny"})
    await agent.run_turn("run")
    assert approver.requests == []
    assert "run_command" not in provider.requests[0].tools
    assert rec.of(ToolCallDecided)[0].decision == "policy_deny"
    result = provider.requests[1].messages[-1]["blocks"][0]
    assert result["is_error"] and "policy" in result["content"]


async def test_malformed_arguments_go_back_as_an_error_without_running(tmp_path: Path) -> None:
    approver = ScriptedApprover()
    bad = tool_use("bad", "write_file", {}, error="Expecting ',' delimiter: line 1 column 12")
    agent, rec, provider = setup(tmp_path, [calls(bad), reply("sorry")], approver)

    assert await agent.run_turn("write") == "end_turn"

    assert approver.requests == [] and list(tmp_path.iterdir()) == [tmp_path / "app.py"]
    proposed = rec.of(ToolCallProposed)[0]
    assert proposed.input_error is not None
    result = provider.requests[1].messages[-1]["blocks"][0]
    assert result["tool_use_id"] == "bad" and result["is_error"]
    assert "invalid arguments for write_file" in result["content"] and "delimiter" in result["content"]
    assert rec.of(ToolCallFinished)[0].status == "failed"


async def test_invalid_input_and_escapes_are_tool_errors_not_questions(tmp_path: Path) -> None:
    approver = ScriptedApprover()
    script = [
        calls(
            tool_use("m", "edit_file", {"path": "app.py"}),
            tool_use("x", "write_file", {"path": "../outside.txt", "content": "x"}),
            tool_use("u", "no_such_tool", {}),
        ),
        reply("ok"),
    ]
    agent, _, provider = setup(tmp_path, script, approver)
    await agent.run_turn("go")
    assert approver.requests == []
    contents = [b["content"] for b in provider.requests[1].messages[-1]["blocks"]]
    assert "missing required argument 'old_string'" in contents[0]
    assert "outside the workspace" in contents[1]
    assert "unknown tool 'no_such_tool'" in contents[2]
    assert not (tmp_path.parent / "outside.txt").exists()


class ExplodingTools:
    """A ToolRunner whose tools raise: the turn must survive with error results."""

    def schemas(self) -> list[dict[str, Any]]:
        return [{"name": "boom", "description": "explodes", "input_schema": {"type": "object"}}]

    def prepare(self, call: ToolCall) -> PreparedCall:
        if call.input.get("at") == "prepare":
            raise RuntimeError("prepare exploded")
        return PreparedCall(call)

    async def run(self, prepared: PreparedCall) -> ToolOutcome:
        raise RuntimeError("run exploded")

    def allow_for_session(self, tool_name: str) -> None:
        pass

    def history_replaced(self) -> None:
        pass


async def test_a_tool_that_raises_becomes_an_error_result() -> None:
    provider = ScriptedProvider(
        [calls(tool_use("a", "boom", {"at": "run"}), tool_use("b", "boom", {"at": "prepare"})), reply("ok")]
    )
    rec = Recorder()
    agent = Agent(provider, tools=ExplodingTools(), sinks=[rec])
    assert await agent.run_turn("go") == "end_turn"
    results = provider.requests[1].messages[-1]["blocks"]
    assert [r["is_error"] for r in results] == [True, True]
    assert "run exploded" in results[0]["content"] and "prepare exploded" in results[1]["content"]
    assert [f.status for f in rec.of(ToolCallFinished)] == ["failed", "failed"]
    assert_valid_history(agent.transcript.messages)


async def test_an_approver_that_raises_counts_as_a_denial(tmp_path: Path) -> None:
    async def broken(request: ApprovalRequest) -> ApprovalDecision:
        raise RuntimeError("dialog crashed")

    agent, _, provider = setup(tmp_path, [calls(tool_use("e1", "edit_file", EDIT)), reply("ok")], broken)
    assert await agent.run_turn("edit") == "end_turn"
    assert (tmp_path / "app.py").read_text() == SOURCE
    assert "dialog crashed" in provider.requests[1].messages[-1]["blocks"][0]["content"]
