"""The agent with the real providers (real SDKs over HTTP) against the fake API server.

Assertions are on the request bodies the server received: that is what a real API would judge.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
from agent_doubles import assert_valid_history
from agent_rig import MakeRig, Rig

from flux_tui.core.agent_events import TextDelta, ToolCallFinished, TurnFailed, UsageReported
from flux_tui.core.protocols import ApprovalDecision, ApprovalRequest

KINDS = ["anthropic", "openai"]


# -- reading the wire formats ---------------------------------------------------------------------


def tool_results(rig: Rig, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """tool call id -> {"content", "is_error"} of every tool result in a request body."""
    found: dict[str, dict[str, Any]] = {}
    for message in body["messages"]:
        if rig.kind == "openai":
            if message["role"] == "tool":
                content = message["content"]
                found[message["tool_call_id"]] = {"content": content, "is_error": content.startswith("Error")}
            continue
        if isinstance(message["content"], list):
            for block in message["content"]:
                if block.get("type") == "tool_result":
                    content = block["content"]
                    if isinstance(content, list):
                        content = "".join(part.get("text", "") for part in content)
                    found[block["tool_use_id"]] = {
                        "content": content,
                        "is_error": bool(block.get("is_error")),
                    }
    return found


def tool_calls(rig: Rig, body: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for message in body["messages"]:
        if message["role"] != "assistant":
            continue
        if rig.kind == "openai":
            ids += [call["id"] for call in message.get("tool_calls") or []]
        elif isinstance(message["content"], list):
            ids += [b["id"] for b in message["content"] if b.get("type") == "tool_use"]
    return ids


def assert_no_orphans(rig: Rig, body: dict[str, Any]) -> None:
    """Every call answered right after it, no result without a call: what both APIs enforce."""
    messages = body["messages"]
    if rig.kind == "openai":
        for index, message in enumerate(messages):
            ids = [c["id"] for c in message.get("tool_calls") or []]
            following = [m["tool_call_id"] for m in messages[index + 1 : index + 1 + len(ids)]]
            assert following == ids, (ids, following)
            if message["role"] == "tool":
                previous = next(m for m in reversed(messages[:index]) if m["role"] != "tool")
                assert message["tool_call_id"] in [c["id"] for c in previous.get("tool_calls") or []]
        return
    roles = [m["role"] for m in messages]
    assert all(a != b for a, b in itertools.pairwise(roles)), roles  # alternation
    for index, message in enumerate(messages):
        blocks = message["content"] if isinstance(message["content"], list) else []
        ids = [b["id"] for b in blocks if b.get("type") == "tool_use"]
        if ids:
            nxt = messages[index + 1]["content"]
            answered = [b["tool_use_id"] for b in nxt if b.get("type") == "tool_result"]
            assert answered == ids


def user_texts(rig: Rig, body: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    for message in body["messages"]:
        if message["role"] != "user":
            continue
        content = message["content"]
        if isinstance(content, str):
            texts.append(content)
        else:
            texts += [b["text"] for b in content if b.get("type") == "text"]
    return texts


# -- tool round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_read_file_result_goes_back_with_the_matching_id(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig(kind)
    (rig.workspace / "hello.py").write_text("print('hello from the workspace')\n")
    rig.queue_calls([("toolu_read01", "read_file", {"path": "hello.py"})], "Let me look.")
    rig.queue_text("It prints a greeting.")

    assert await rig.agent.run_turn("What does hello.py do?") == "end_turn"

    first, second = rig.bodies()
    names = [t["name"] if kind == "anthropic" else t["function"]["name"] for t in first["tools"]]
    assert "read_file" in names and "run_command" in names
    results = tool_results(rig, second)
    assert list(results) == ["toolu_read01"]
    assert "print('hello from the workspace')" in results["toolu_read01"]["content"]
    assert results["toolu_read01"]["content"].startswith("     1\t")
    assert not results["toolu_read01"]["is_error"]
    assert tool_calls(rig, second) == ["toolu_read01"]
    assert_no_orphans(rig, second)
    # the file read became the current file context of the next request
    system = json.dumps(second.get("system") or second["messages"][0])
    assert "hello.py" in system
    assert "".join(e.text for e in rig.recorder.of(TextDelta)) == "Let me look.It prints a greeting."
    finals = [u for u in rig.recorder.of(UsageReported) if not u.estimated]
    assert len(finals) == 2 and all(u.output_tokens > 0 for u in finals)


@pytest.mark.parametrize("kind", KINDS)
async def test_two_parallel_calls_answered_together(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig(kind)
    (rig.workspace / "a.txt").write_text("content of A\n")
    (rig.workspace / "b.txt").write_text("content of B\n")
    rig.queue_calls(
        [("call_a", "read_file", {"path": "a.txt"}), ("call_b", "search_files", {"pattern": "of B"})]
    )
    rig.queue_text("Both read.")

    assert await rig.agent.run_turn("Read both") == "end_turn"

    second = rig.bodies()[1]
    results = tool_results(rig, second)
    assert list(results) == ["call_a", "call_b"]
    assert "content of A" in results["call_a"]["content"]
    assert "b.txt:1: content of B" in results["call_b"]["content"]
    assert_no_orphans(rig, second)
    if kind == "anthropic":  # both results in ONE user message
        last = second["messages"][-1]
        assert [b["tool_use_id"] for b in last["content"] if b["type"] == "tool_result"] == [
            "call_a",
            "call_b",
        ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("verdict", ["approved", "denied"])
async def test_edit_approved_or_denied(make_rig: MakeRig, kind: str, verdict: str) -> None:
    asked: list[ApprovalRequest] = []

    async def approver(request: ApprovalRequest) -> ApprovalDecision:
        asked.append(request)
        if verdict == "approved":
            return ApprovalDecision("approved")
        return ApprovalDecision("denied", "keep the old greeting")

    rig = make_rig(kind, approver=approver)
    target = rig.workspace / "greet.py"
    target.write_text("GREETING = 'hello'\n")
    edit = {"path": "greet.py", "old_string": "'hello'", "new_string": "'bonjour'"}
    rig.queue_calls([("toolu_edit01", "edit_file", edit)])
    rig.queue_text("Done.")

    assert await rig.agent.run_turn("Make it French") == "end_turn"

    (request,) = asked
    assert "-GREETING = 'hello'" in (request.preview or "") and "+GREETING = 'bonjour'" in (
        request.preview or ""
    )
    result = tool_results(rig, rig.bodies()[1])["toolu_edit01"]
    if verdict == "approved":
        assert target.read_text() == "GREETING = 'bonjour'\n"
        assert not result["is_error"] and "edited greet.py" in result["content"]
    else:
        assert target.read_text() == "GREETING = 'hello'\n"
        assert result["is_error"] and "denied by user: keep the old greeting" in result["content"]


@pytest.mark.parametrize("kind", KINDS)
async def test_path_escapes_are_refused_and_nothing_leaks(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig(kind, yolo=True)
    secret = rig.workspace.parent / "secret.txt"
    secret.write_text("THE-SECRET-VALUE\n")
    (rig.workspace / "link.txt").symlink_to(secret)
    (rig.workspace / "etc").symlink_to("/etc", target_is_directory=True)
    escapes = [
        ("e1", "read_file", {"path": "../secret.txt"}),
        ("e2", "read_file", {"path": str(secret)}),
        ("e3", "read_file", {"path": "link.txt"}),
        ("e4", "read_file", {"path": "etc/hostname"}),
        ("e5", "write_file", {"path": "../evil.txt", "content": "x"}),
        ("e6", "edit_file", {"path": "link.txt", "old_string": "THE", "new_string": "A"}),
        ("e7", "list_files", {"path": "../"}),
    ]
    rig.queue_calls(escapes)  # type: ignore[arg-type]
    rig.queue_text("I cannot reach those.")

    await rig.agent.run_turn("Grab the secret")

    second = rig.bodies()[1]
    results = tool_results(rig, second)
    assert sorted(results) == [e[0] for e in escapes]
    for call_id, result in results.items():
        assert result["is_error"] and "outside the workspace" in result["content"], call_id
    assert "THE-SECRET-VALUE" not in json.dumps(second)
    assert secret.read_text() == "THE-SECRET-VALUE\n"
    assert not (rig.workspace.parent / "evil.txt").exists()


@pytest.mark.parametrize("kind", KINDS)
async def test_malformed_tool_arguments_become_an_error_result(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig(kind, yolo=True)
    rig.queue_calls([("bad_json", "write_file", '{"path": "x.txt", "content": ')])
    rig.queue_text("Sorry, retrying later.")

    assert await rig.agent.run_turn("Write x") == "end_turn"

    assert not (rig.workspace / "x.txt").exists()
    result = tool_results(rig, rig.bodies()[1])["bad_json"]
    assert result["is_error"] and "invalid arguments for write_file" in result["content"]
    assert rig.recorder.of(ToolCallFinished)[0].status == "failed"


@pytest.mark.parametrize("kind", KINDS)
async def test_step_limit_stops_the_loop_and_continue_resumes(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig(kind, max_steps=2)
    (rig.workspace / "f.txt").write_text("x\n")
    for i in range(2):
        rig.queue_calls([(f"loop_{i}", "read_file", {"path": "f.txt"})])
    rig.queue_text("Finally done.")

    assert await rig.agent.run_turn("Loop") == "max_steps"
    assert len(rig.bodies()) == 2
    assert await rig.agent.run_turn(None) == "end_turn"
    third = rig.bodies()[2]
    assert "loop_1" in tool_results(rig, third)
    assert_no_orphans(rig, third)


# -- cancel and failure, then a new prompt ----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_cancel_during_approval_then_new_prompt_has_no_orphans(make_rig: MakeRig, kind: str) -> None:
    asked = asyncio.Event()

    async def approver(request: ApprovalRequest) -> ApprovalDecision:
        asked.set()
        await asyncio.Event().wait()  # the user never answers: Esc instead
        raise AssertionError("unreachable")

    rig = make_rig(kind, approver=approver)
    (rig.workspace / "a.txt").write_text("alpha\n")
    rig.queue_calls(
        [
            ("toolu_w1", "write_file", {"path": "a.txt", "content": "changed\n"}),
            ("toolu_r1", "run_command", {"command": "echo hi"}),
        ],
        "I'll change it.",
    )
    task = asyncio.create_task(rig.agent.run_turn("Change a.txt"))
    await asyncio.wait_for(asked.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (rig.workspace / "a.txt").read_text() == "alpha\n"

    rig.queue_text("OK, leaving it.")
    assert await rig.agent.run_turn("Never mind") == "end_turn"

    body = rig.bodies()[-1]
    assert_no_orphans(rig, body)
    results = tool_results(rig, body)
    assert set(results) == {"toolu_w1", "toolu_r1"}
    assert all(r["is_error"] and "cancelled by the user" in r["content"] for r in results.values())
    assert user_texts(rig, body) == ["Change a.txt", "Never mind"]
    assert_valid_history(rig.agent.transcript.messages)


@pytest.mark.parametrize("kind", KINDS)
async def test_cancel_mid_stream_then_new_prompt_keeps_the_partial_answer(
    make_rig: MakeRig, kind: str
) -> None:
    rig = make_rig(kind)
    rig.queue_text("one two three four five six seven", stall_after=3, stall_seconds=30)
    task = asyncio.create_task(rig.agent.run_turn("Count"))
    for _ in range(1000):
        if len(rig.recorder.of(TextDelta)) >= 3:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    partial = rig.agent.transcript.messages[-1]
    assert partial.role == "assistant" and partial.incomplete and partial.text == "one two three"

    rig.queue_text("Sure.")
    assert await rig.agent.run_turn("Something else") == "end_turn"
    body = rig.bodies()[-1]
    assert_no_orphans(rig, body)
    assert user_texts(rig, body) == ["Count", "Something else"]
    assistant = [m for m in body["messages"] if m["role"] == "assistant"]
    assert "one two three" in json.dumps(assistant)


@pytest.mark.parametrize("kind", KINDS)
async def test_auth_failure_is_reported_and_the_next_prompt_works(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig(kind)
    rig.api.queue_error(rig.path, 401, message="invalid x-api-key")
    assert await rig.agent.run_turn("hello") == "error"
    (failed,) = rig.recorder.of(TurnFailed)
    assert failed.error_type == "AuthenticationError" and failed.hint
    assert "sk-" not in failed.error  # never the key

    rig.queue_text("Hi there.")
    assert await rig.agent.run_turn("hello again") == "end_turn"
    assert_no_orphans(rig, rig.bodies()[-1])
