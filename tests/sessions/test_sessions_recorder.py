"""The recording sink: what is written when, coalescing, the background flush, failures."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from session_samples import T0

from flux_tui.core.agent_events import (
    AgentEvent,
    Notice,
    StepFinished,
    TextDelta,
    ThinkingDelta,
    TurnStarted,
)
from flux_tui.sessions import SessionRecorder, SessionStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def stored(db_path: Path) -> list[tuple[str, str]]:
    """(kind, payload) rows as another process would see them: only what was committed."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT kind, payload FROM events ORDER BY session_id, seq").fetchall()
    finally:
        conn.close()


def test_events_are_written_at_once_and_deltas_at_most_an_interval_late(
    store: SessionStore, db_path: Path
) -> None:
    clock = FakeClock()
    recorder = SessionRecorder(store, flush_interval=0.5, autoflush=False, clock=clock)
    recorder(Notice(ts=T0 - 1, text="hi"))  # (a prompt alone waits for its answer: test_titles_and_export)
    assert [k for k, _ in stored(db_path)] == ["notice"]

    for i in range(4):  # 0.0 .. 0.3 s after the last write: buffered
        clock.now = i / 10
        recorder(TextDelta(ts=T0 + i, text=f"w{i} "))
    assert len(stored(db_path)) == 1
    clock.now = 0.5  # an interval since the last write: this delta flushes the buffer
    recorder(TextDelta(ts=T0 + 4, text="w4 "))
    assert stored(db_path)[-1] == ("text_delta", _payload("w0 w1 w2 w3 w4 ", 5))

    clock.now = 0.6
    recorder(TextDelta(ts=T0 + 5, text="w5 "))
    recorder(StepFinished(ts=T0 + 6, stop_reason="end_turn"))  # any other event writes the buffer first
    assert [k for k, _ in stored(db_path)][-2:] == ["text_delta", "step_finished"]
    recorder.close()
    assert [e.ts for e in store.events(recorder.ensure_session())] == [T0 + i for i in range(-1, 7)]


def _payload(text: str, parts: int) -> str:
    import json

    return json.dumps(
        {"text": text, "parts": [[T0 + i, len(f"w{i} ")] for i in range(parts)]},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def test_the_session_is_created_by_the_first_event(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    assert recorder.session_id is None
    assert store.list_sessions(include_empty=True) == []
    recorder(Notice(ts=T0, text="hello"))
    assert recorder.session_id is not None
    assert [i.id for i in store.list_sessions()] == [recorder.session_id]
    recorder.close()


def test_a_session_starts_at_its_first_event_not_at_its_first_write(store: SessionStore) -> None:
    """A prompt waits in memory until its answer comes (nothing to keep before): the session it makes
    then started when the prompt was sent, as its export's "Started" and its first turn say."""
    recorder = SessionRecorder(store, autoflush=False)
    recorder(TurnStarted(ts=T0, turn_id="t1", prompt="hi", provider="anthropic", model="m"))
    assert recorder.session_id is None
    recorder(TextDelta(ts=T0 + 2.0, text="Hello there."))
    recorder.flush()
    [info] = store.list_sessions()
    assert info.created_at == T0
    recorder.close()


def test_thinking_then_text_are_separate_rows_in_order(store: SessionStore, db_path: Path) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    events: list[AgentEvent] = [
        ThinkingDelta(ts=T0, text="hmm "),
        ThinkingDelta(ts=T0 + 1, text="ok "),
        TextDelta(ts=T0 + 2, text="Answer "),
        TextDelta(ts=T0 + 3, text="here."),
    ]
    for event in events:
        recorder(event)
    recorder.flush()
    assert [k for k, _ in stored(db_path)] == ["thinking_delta", "text_delta"]
    assert store.events(recorder.ensure_session()) == events
    recorder.close()


def test_a_partial_word_waits_for_the_next_write(store: SessionStore, db_path: Path) -> None:
    clock = FakeClock()
    recorder = SessionRecorder(store, flush_interval=0.5, autoflush=False, clock=clock)
    clock.now = 1.0
    recorder(TextDelta(ts=T0, text="Hello wor"))  # due, but it ends inside a word (a key's start?)
    assert stored(db_path) == []
    clock.now = 2.0
    recorder(TextDelta(ts=T0 + 1, text="ld and mo"))  # "world" is whole now; "mo" is not
    assert [p for _, p in stored(db_path)] == ['{"text":"Hello wor"}']
    clock.now = 3.0
    recorder(TextDelta(ts=T0 + 2, text="re. "))
    assert [e.text for e in store.events(recorder.ensure_session())] == ["Hello wor", "ld and mo", "re. "]
    recorder.close()


def test_the_background_thread_writes_a_stalled_stream(store: SessionStore, db_path: Path) -> None:
    recorder = SessionRecorder(store, flush_interval=0.05)
    recorder(TextDelta(ts=T0, text="streamed then stalled. "))
    deadline = time.monotonic() + 10
    while not stored(db_path) and time.monotonic() < deadline:  # no flush() call: the thread does it
        time.sleep(0.02)
    assert stored(db_path) == [("text_delta", '{"text":"streamed then stalled. "}')]
    recorder.close()


def test_a_failed_write_is_reported_not_raised_and_retried(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    errors: list[Exception] = []
    recorder = SessionRecorder(
        store, store.create_session(), autoflush=False, on_error=errors.append, clock=FakeClock()
    )
    store.close()  # every write now fails
    recorder(Notice(ts=T0, text="lost?"))
    assert len(errors) == 1 and recorder.last_error is errors[0]

    recorder._store = reopened = SessionStore(tmp_path / "s.db")  # the disk is back
    recorder(Notice(ts=T0 + 1, text="next"))  # within a second of the failure: kept for later
    assert reopened.events(recorder.ensure_session()) == []
    recorder.flush()
    assert [e.text for e in reopened.events(recorder.ensure_session())] == ["lost?", "next"]  # type: ignore[attr-defined]
    recorder.close()
    reopened.close()


def test_close_flushes_and_later_events_are_dropped(store: SessionStore) -> None:
    with SessionRecorder(store, autoflush=False) as recorder:
        recorder(TextDelta(ts=T0, text="tail"))
    recorder(Notice(ts=T0 + 1, text="after close"))
    assert [e.kind for e in store.events(recorder.ensure_session())] == ["text_delta"]


def test_a_session_deleted_while_recording_stops_the_recorder(store: SessionStore) -> None:
    errors: list[Exception] = []
    recorder = SessionRecorder(store, autoflush=False, on_error=errors.append)
    recorder(Notice(ts=T0, text="one"))
    store.delete(recorder.ensure_session())
    recorder(Notice(ts=T0 + 1, text="two"))
    recorder(Notice(ts=T0 + 2, text="three"))
    assert len(errors) == 1 and "no session" in str(errors[0])
    assert store.list_sessions(include_empty=True) == []
    recorder.close()
