"""A turn's answer reaches the session store after the frame that shows its end
(``RecorderSlot.write_after_frames``), and every event still reaches it, in order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    StepFinished,
    TextDelta,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.transcript import Message, TextBlock, ToolCall
from flux_tui.services.recording import RecorderSlot
from flux_tui.sessions import SessionStore


def _turn(*, tool: bool = False) -> list[AgentEvent]:
    user = Message(role="user", blocks=[TextBlock("hi")], id="u1")
    blocks = [TextBlock("Hello there."), *([ToolCall("c1", "read_file", {"path": "a"})] if tool else [])]
    answer = Message(role="assistant", blocks=blocks, provider="anthropic", model="m", id="a1")
    return [
        TurnStarted(turn_id="t1", prompt="hi", provider="anthropic", model="m"),
        MessageCommitted(message=user.to_dict()),
        TextDelta(text="Hello there."),
        MessageCommitted(message=answer.to_dict()),
        StepFinished(stop_reason="tool_use" if tool else "end_turn"),
        TurnFinished(stop_reason="end_turn"),
    ]


class Frames:
    """Stands for the app's ``call_after_refresh``: callbacks run when ``draw()`` is called."""

    def __init__(self) -> None:
        self.waiting: list[Callable[[], None]] = []

    def __call__(self, callback: Callable[[], None]) -> None:
        self.waiting.append(callback)

    def draw(self) -> None:
        waiting, self.waiting = self.waiting, []
        for callback in waiting:
            callback()


def _stored(store: SessionStore, slot: RecorderSlot) -> list[AgentEvent]:
    session_id = slot.recorder.session_id
    return store.events(session_id) if session_id is not None else []


def test_the_answers_end_is_written_after_the_next_frame(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    slot = RecorderSlot(store)
    frames = Frames()
    slot.write_after_frames(frames)
    events = _turn()
    for event in events:
        slot(event)
    assert [e.kind for e in _stored(store, slot)] == [], "the prompt alone waits for its answer"
    assert len(frames.waiting) == 1, "one frame is waited for, from the answer's message on"
    frames.draw()
    slot.recorder.flush()
    assert _stored(store, slot) == events
    slot.close()
    store.close()


def test_a_step_that_calls_tools_is_written_at_once(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    slot = RecorderSlot(store)
    frames = Frames()
    slot.write_after_frames(frames)
    events = _turn(tool=True)
    for event in events:
        slot(event)
    assert frames.waiting == []
    slot.recorder.flush()
    assert _stored(store, slot) == events
    slot.close()
    store.close()


def test_whatever_reads_or_changes_the_slot_writes_the_held_events_first(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    for use in ("session_id", "flush", "close", "switch"):
        slot = RecorderSlot(store)
        slot.write_after_frames(Frames())  # a frame that never comes
        events = _turn()
        for event in events:
            slot(event)
        recorder = slot.recorder
        if use == "session_id":
            assert slot.session_id is not None
        elif use == "switch":
            slot.switch(None)
        else:
            getattr(slot, use)()
        recorder.flush()
        session_id = recorder.session_id
        assert session_id is not None and store.events(session_id) == events, use
        slot.close()
    store.close()


def test_no_frame_to_wait_for_writes_at_once(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    slot = RecorderSlot(store)

    def closed(_callback: Callable[[], None]) -> None:
        raise RuntimeError("no screen")

    slot.write_after_frames(closed)
    events = _turn()
    for event in events:
        slot(event)
    slot.recorder.flush()
    assert _stored(store, slot) == events
    slot.close()
    store.close()
