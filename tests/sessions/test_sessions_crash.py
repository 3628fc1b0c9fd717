"""Crash safety: a session killed mid-stream or mid-tool reopens with what was flushed, consistent."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from session_samples import T0, assistant, crashed_turn, sample_events, user

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    Notice,
    StepFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallProposed,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.transcript import TextBlock, ThinkingBlock, ToolCall, Transcript
from flux_tui.sessions import INTERRUPTED_ERROR_TYPE, SessionStore
from flux_tui.sessions.rebuild import rebuild

CHILD = Path(__file__).with_name("session_kill_child.py")


def assert_valid_for_any_provider(transcript: Transcript) -> None:
    """Every tool call is answered in the next message, and nothing is left pending."""
    assert transcript.pending_tool_calls() == []
    messages = transcript.messages
    for index, message in enumerate(messages):
        if message.tool_calls:
            answered = {r.tool_use_id for r in messages[index + 1].tool_results}
            assert {c.id for c in message.tool_calls} <= answered


def _run_child(db: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db), mode], stdout=subprocess.PIPE, text=True, cwd=CHILD.parent
    )


def test_sigkill_mid_stream_keeps_everything_up_to_the_last_flush(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    child = _run_child(db, "stream")
    assert child.stdout is not None
    session_id = child.stdout.readline().split()[1]
    emitted: list[tuple[float, str]] = []
    try:
        for line in child.stdout:
            _, stamp, word = line.split()
            emitted.append((float(stamp), word + " "))
            if emitted[-1][0] - emitted[0][0] >= 2.0:  # several flush intervals in
                break
    finally:
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    for line in rest.splitlines():
        _, stamp, word = line.split()
        emitted.append((float(stamp), word + " "))

    with SessionStore(db) as store:
        loaded = store.load(session_id)
    text = "".join(e.text for e in loaded.events if isinstance(e, TextDelta))
    everything = "".join(chunk for _, chunk in emitted)
    assert everything.startswith(text)  # nothing invented, nothing reordered
    kept = len(text.split())
    assert kept > 0
    lost_since = emitted[kept][0] if kept < len(emitted) else emitted[-1][0]
    assert emitted[-1][0] - lost_since <= 1.0  # at most the last second of the answer is lost

    messages = loaded.transcript.messages
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[1].incomplete is True
    assert messages[1].text == text
    assert_valid_for_any_provider(loaded.transcript)
    assert isinstance(loaded.events[-2], Notice)
    assert isinstance(loaded.events[-1], TurnFailed)
    assert loaded.events[-1].error_type == INTERRUPTED_ERROR_TYPE
    assert loaded.repaired is True


def test_sigkill_while_a_tool_runs_closes_the_call_as_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    child = _run_child(db, "tool")
    assert child.stdout is not None
    session_id = child.stdout.readline().split()[1]
    try:
        assert child.stdout.readline().strip() == "ready"
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)

    with SessionStore(db) as store:
        loaded = store.load(session_id)
    results = {r.tool_use_id: r for r in loaded.transcript.messages[-1].tool_results}
    assert (results["c1"].status, results["c1"].content, results["c1"].is_error) == (
        "ok",
        "contents of a",
        False,
    )
    assert (results["c2"].status, results["c2"].is_error) == ("interrupted", True)
    assert_valid_for_any_provider(loaded.transcript)
    finished = [e for e in loaded.events if isinstance(e, ToolCallFinished)]
    assert [(e.call_id, e.status) for e in finished] == [("c1", "done"), ("c2", "interrupted")]
    assert loaded.events[-1].kind == "turn_failed"


# -- the rebuild logic without processes ------------------------------------------------------------


def test_streamed_text_without_a_committed_answer_becomes_an_incomplete_message() -> None:
    rebuilt = rebuild(crashed_turn())
    partial = rebuilt.transcript.messages[-1]
    assert partial.role == "assistant" and partial.incomplete
    assert partial.blocks == [ThinkingBlock("pondering", "anthropic", "m1"), TextBlock("Half an answer")]
    assert (partial.provider, partial.model, partial.created_at) == ("anthropic", "m1", T0 + 1)
    kinds = [e.kind for e in rebuilt.events[5:]]
    assert kinds == ["message", "notice", "turn_failed"]
    assert rebuild(rebuilt.events).repaired is False  # the repaired events need no repair
    assert rebuild(crashed_turn()).transcript.to_dict() == rebuilt.transcript.to_dict()  # deterministic


def test_a_resumed_session_repairs_the_crashed_turn_in_place(tmp_path: Path) -> None:
    later = [
        TurnStarted(ts=T0 + 100, turn_id="t2", prompt="go on", provider="openai", model="m2"),
        MessageCommitted(ts=T0 + 100, message=user("t2-u", "go on", T0 + 100)),
        TextDelta(ts=T0 + 101, text="Done."),
        MessageCommitted(
            ts=T0 + 102, message=assistant("t2-a", [TextBlock("Done.")], T0 + 101, "openai", "m2")
        ),
        StepFinished(ts=T0 + 102, stop_reason="end_turn"),
        TurnFinished(ts=T0 + 102, stop_reason="end_turn"),
    ]
    with SessionStore(tmp_path / "s.db") as store:
        session_id = store.create_session()
        store.append(session_id, crashed_turn())
        first = store.load(session_id)
        store.append(session_id, later)  # the user resumed (from first.transcript) and went on
        loaded = store.load(session_id)
    assert [m.id for m in loaded.transcript] == ["t1-u", "t1-partial", "t2-u", "t2-a"]
    assert [m.id for m in first.transcript] == ["t1-u", "t1-partial"]  # the ids the resumed app used
    failed = [i for i, e in enumerate(loaded.events) if isinstance(e, TurnFailed)]
    assert failed == [7] and isinstance(loaded.events[8], TurnStarted)  # closed before the next turn


def test_tool_calls_left_open_are_answered_and_recommitted() -> None:
    call = ToolCall("c9", "shell", {"cmd": "make"})
    events: list[AgentEvent] = [
        TurnStarted(ts=T0, turn_id="t", prompt="build", provider="p", model="m"),
        MessageCommitted(ts=T0, message=user("u", "build", T0)),
        MessageCommitted(ts=T0 + 1, message=assistant("a", [call], T0 + 1, "p", "m")),
        StepFinished(ts=T0 + 1, stop_reason="tool_use"),
        # crashed before ToolCallProposed: the call is answered, no inspector event is invented
    ]
    rebuilt = rebuild(events)
    assert_valid_for_any_provider(rebuilt.transcript)
    results = rebuilt.transcript.messages[-1]
    assert results.id == "t-results"
    assert [(r.tool_use_id, r.status) for r in results.tool_results] == [("c9", "interrupted")]
    assert not any(isinstance(e, ToolCallFinished) for e in rebuilt.events)
    assert [e.kind for e in rebuilt.events[4:]] == ["message", "notice", "turn_failed"]


def test_a_finished_session_is_left_alone() -> None:
    events = sample_events()
    rebuilt = rebuild(events)
    assert rebuilt.events == events and rebuilt.repaired is False


def test_a_proposed_call_is_closed_in_the_inspector_too() -> None:
    call = ToolCall("c1", "read_file", {"path": "x"})
    events: list[AgentEvent] = [
        TurnStarted(ts=T0, turn_id="t", prompt="read", provider="p", model="m"),
        MessageCommitted(ts=T0 + 1, message=assistant("a", [call], T0 + 1, "p", "m")),
        ToolCallProposed(ts=T0 + 2, call_id="c1", name="read_file", input={"path": "x"}),
    ]
    finished = [e for e in rebuild(events).events if isinstance(e, ToolCallFinished)]
    assert [(e.call_id, e.status, e.ts) for e in finished] == [("c1", "interrupted", T0 + 2)]
