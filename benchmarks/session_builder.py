"""A synthetic stored session of N messages, written through the session store's own recorder.

Each turn is what the agent loop emits for a plain question and answer: ``TurnStarted``, the user message,
the answer as ``TextDelta``s of ``chunk`` tokens with an estimated ``UsageReported`` every 50 deltas, the
final usage, the assistant message, ``StepFinished`` and ``TurnFinished``. Answers are the benchmark's
Markdown (``answer_tokens``), each ending with its own marker; ``last_marker`` ends the last one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from benchmarks.answer import answer_tokens
from benchmarks.fakeapi_path import fakeapi_sse
from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    StepFinished,
    TextDelta,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.transcript import Message, TextBlock
from flux_tui.sessions import SessionRecorder, SessionStore

T0 = 1_750_000_000.0
DB_NAME = "sessions.db"


@dataclass
class BuiltSession:
    session_id: str
    db_path: Path
    messages: int
    events: int
    last_marker: str


def turn_events(
    turn: int, tokens: int, chunk: int, marker: str, provider: str, model: str
) -> list[AgentEvent]:
    t = T0 + turn * 60.0
    prompt = f"Question {turn}: how should the renderer handle a long streamed answer, part {turn}?"
    words = answer_tokens(tokens, marker, first_section=turn)
    pieces = [text for text, _weight in fakeapi_sse.group(words, chunk)]
    events: list[AgentEvent] = [
        TurnStarted(ts=t, turn_id=f"turn{turn}", prompt=prompt, provider=provider, model=model),
        MessageCommitted(
            ts=t, message=Message("user", [TextBlock(prompt)], id=f"u{turn}", created_at=t).to_dict()
        ),
    ]
    for index, piece in enumerate(pieces, 1):
        events.append(TextDelta(ts=t + 0.5 + index * 0.01, text=piece))
        if index % 50 == 0:
            events.append(
                UsageReported(
                    ts=t + 0.5 + index * 0.01,
                    provider=provider,
                    model=model,
                    input_tokens=1000 + turn * 300,
                    output_tokens=index * chunk,
                    estimated=True,
                )
            )
    end = t + 1.0 + len(pieces) * 0.01
    answer = Message(
        "assistant",
        [TextBlock("".join(pieces))],
        provider=provider,
        model=model,
        stop_reason="end_turn",
        id=f"a{turn}",
        created_at=t + 0.5,
    )
    events += [
        UsageReported(
            ts=end,
            provider=provider,
            model=model,
            input_tokens=1000 + turn * 300,
            output_tokens=tokens,
            cost=0.003 + turn * 0.001,
        ),
        MessageCommitted(ts=end, message=answer.to_dict()),
        StepFinished(ts=end, stop_reason="end_turn"),
        TurnFinished(ts=end, stop_reason="end_turn"),
    ]
    return events


def build_session(
    data_dir: Path,
    *,
    messages: int,
    answer_tokens_each: int,
    chunk: int,
    last_marker: str,
    provider: str = "anthropic",
    model: str = "claude-sonnet-4-5",
) -> BuiltSession:
    """Write a session of ``messages`` messages (half prompts, half answers) to ``data_dir``; the
    messages are counted back from the store as the app loads them, and must be that many."""
    if messages < 2 or messages % 2:
        raise ValueError(f"a session of turns has an even number of messages, not {messages}")
    db_path = data_dir / DB_NAME
    store = SessionStore(db_path)
    recorder = SessionRecorder(store, autoflush=False, flush_interval=3600.0)
    count = 0
    turns = messages // 2
    for turn in range(turns):
        marker = last_marker if turn == turns - 1 else f"Answer{turn}done"
        for event in turn_events(turn, answer_tokens_each, chunk, marker, provider, model):
            recorder(event)
            count += 1
    recorder.close()
    session_id = recorder.session_id
    store.close()
    assert session_id is not None
    stored = stored_messages(db_path, session_id)
    if stored != messages:
        raise RuntimeError(f"the store holds {stored} messages of the {messages} written")
    with sqlite3.connect(db_path) as conn:  # fold the WAL into the file, so copying the file is enough
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return BuiltSession(session_id, db_path, stored, count, last_marker)


def stored_messages(db_path: Path, session_id: str) -> int:
    """The messages of the session's transcript as ``--resume`` loads it."""
    with SessionStore(db_path) as store:
        return len(store.load(session_id, split_deltas=False).transcript)
