"""Run by test_sessions_crash.py and killed with SIGKILL: records a session the way the app does.

Usage: python session_kill_child.py DB_PATH stream|tool
"stream" streams text deltas forever, printing each one (with its monotonic time) BEFORE recording it;
"tool" leaves one tool call finished and one running, prints "ready" and waits to be killed.
"""

from __future__ import annotations

import sys
import time

from flux_tui.core.agent_events import (
    MessageCommitted,
    StepFinished,
    TextDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
    TurnStarted,
)
from flux_tui.core.transcript import Message, TextBlock, ToolCall
from flux_tui.sessions import SessionRecorder, SessionStore


def main(db_path: str, mode: str) -> None:
    store = SessionStore(db_path)
    recorder = SessionRecorder(store)  # default flush interval and background flushing, as in the app
    print("session", recorder.ensure_session(), flush=True)
    prompt = "Tell me a long story" if mode == "stream" else "Read both files"
    recorder(TurnStarted(turn_id="turn1", prompt=prompt, provider="anthropic", model="claude-x"))
    recorder(MessageCommitted(message=Message(role="user", blocks=[TextBlock(prompt)], id="u1").to_dict()))
    if mode == "stream":
        n = 0
        while True:
            chunk = f"w{n} "
            print("delta", time.monotonic(), chunk, flush=True)
            recorder(TextDelta(text=chunk))
            n += 1
            time.sleep(0.01)
    calls = [ToolCall("c1", "read_file", {"path": "a.txt"}), ToolCall("c2", "read_file", {"path": "b.txt"})]
    message = Message(
        role="assistant",
        blocks=[TextBlock("Reading."), *calls],
        provider="anthropic",
        model="claude-x",
        stop_reason="tool_use",
        id="a1",
    )
    recorder(MessageCommitted(message=message.to_dict()))
    recorder(StepFinished(stop_reason="tool_use"))
    for call in calls:
        recorder(ToolCallProposed(call_id=call.id, name=call.name, input=call.input))
        recorder(ToolCallDecided(call_id=call.id, decision="auto"))
    recorder(ToolCallRunning(call_id="c1"))
    recorder(ToolCallFinished(call_id="c1", status="done", result="contents of a"))
    recorder(ToolCallRunning(call_id="c2"))
    print("ready", flush=True)
    time.sleep(120)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
