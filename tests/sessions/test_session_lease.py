"""One writer per session: a recorder holds its session's lease, a second one (another process, or
another recorder in this one) is refused with who holds it, and a dead holder blocks nobody."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flux_tui.core.agent_events import AgentEvent, Notice
from flux_tui.sessions import SessionRecorder, SessionStore, SessionStoreError
from flux_tui.sessions.lease import SessionBusyError, SessionLease, holder_of, lock_path

CHILD = Path(__file__).with_name("lease_holder_child.py")
WORKTREE = Path(__file__).resolve().parents[2]


def test_a_second_recorder_on_a_session_is_refused(store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session()
    first = SessionRecorder(store, session_id, autoflush=False)
    with pytest.raises(SessionBusyError) as refused:
        SessionRecorder(store, session_id, autoflush=False)
    assert isinstance(refused.value, SessionStoreError)  # one kind of store problem for the CLI
    assert f"process {os.getpid()}" in str(refused.value) and session_id in str(refused.value)
    first.close()
    second = SessionRecorder(store, session_id, autoflush=False)  # free again once closed
    second.close()


def test_two_recorders_never_splice_one_session(store: SessionStore) -> None:
    """The defect: two writers on one session interleaved their answers event by event."""
    session_id = store.create_session()
    recorders = []
    for name in ("first", "second"):
        with contextlib.suppress(SessionBusyError):
            recorders.append((name, SessionRecorder(store, session_id, autoflush=False)))
    for n in range(3):
        for name, recorder in recorders:
            recorder(Notice(level="info", text=f"{name} {n}"))
    for _, recorder in recorders:
        recorder.close()
    texts = [e.text for e in store.events(session_id) if isinstance(e, Notice)]
    assert texts == ["first 0", "first 1", "first 2"]


def test_a_session_the_recorder_creates_is_leased(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    recorder(Notice(level="info", text="hello"))
    assert recorder.session_id is not None
    assert holder_of(store.path, recorder.session_id) is not None
    recorder.close()
    assert holder_of(store.path, recorder.session_id) is None
    assert not lock_path(store.path, recorder.session_id).exists()  # nothing left behind


def test_a_handed_over_lease_goes_on_with_the_next_recorder(store: SessionStore) -> None:
    session_id = store.create_session()
    first = SessionRecorder(store, session_id, autoflush=False)
    second = SessionRecorder(store, session_id, autoflush=False, lease=first.hand_over_lease())
    first.close()  # no longer its lease: still held
    assert holder_of(store.path, session_id) is not None
    second.close()
    assert holder_of(store.path, session_id) is None


@pytest.fixture
def holder(store: SessionStore) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Another process recording a session of the store."""
    session_id = store.create_session()
    env = dict(os.environ, PYTHONPATH=str(WORKTREE))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(store.path), session_id], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "holding"
        yield session_id, child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def test_another_live_process_holds_the_session(
    store: SessionStore, holder: tuple[str, subprocess.Popen[str]]
) -> None:
    session_id, child = holder
    with pytest.raises(SessionBusyError) as refused:
        SessionRecorder(store, session_id)
    assert refused.value.holder.pid == child.pid
    assert f"process {child.pid}" in str(refused.value)


def test_a_killed_holder_blocks_nobody(
    store: SessionStore, holder: tuple[str, subprocess.Popen[str]]
) -> None:
    session_id, child = holder
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    recorder = SessionRecorder(store, session_id, autoflush=False)
    recorder(Notice(level="info", text="taken over"))
    recorder.close()
    texts = [e.text for e in store.events(session_id) if isinstance(e, Notice)]
    assert texts == ["the other process was here", "taken over"]


def test_a_strange_id_never_makes_a_lock_path_elsewhere(tmp_path: Path) -> None:
    db = tmp_path / "data" / "sessions.db"
    for session_id in ("x/../../../../trav", "..", "a\x1b]0;t\x07b", "é" * 80):
        path = lock_path(db, session_id)
        assert path.parent == db.parent and path.name.startswith("sessions.db.")
    db.parent.mkdir()
    lease = SessionLease.acquire(db, "x/../../trav")
    assert lease.path is not None and lease.path.parent == db.parent
    lease.release()
    assert sorted(db.parent.iterdir()) == []
