"""Lock files do not pile up: SIGHUP (the terminal closed) and SIGTERM end a run or the app cleanly,
releasing the session's lease, and a lock file whose holder died anyway is removed by the next lease."""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.agent_events import Notice
from flux_tui.sessions import SessionRecorder, SessionStore
from flux_tui.sessions.lease import SessionLease, lock_path

CHILD = Path(__file__).with_name("lease_holder_child.py")
WORKTREE = Path(__file__).resolve().parents[2]


def _locks(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.*.lock"))


def _wait_for(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _killed_holder(store: SessionStore) -> str:
    """A session whose recorder process was killed (-9) while holding its lease."""
    session_id = store.create_session()
    env = dict(os.environ, PYTHONPATH=str(WORKTREE))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(store.path), session_id], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "holding"
    child.kill()
    child.wait()
    child.stdout.close()
    return session_id


def test_the_next_lease_removes_a_dead_holders_lock_file(store: SessionStore) -> None:
    dead = _killed_holder(store)
    assert lock_path(store.path, dead).exists()
    live = SessionLease.acquire(store.path, "live")
    recorder = SessionRecorder(store, autoflush=False)  # any session: its lease sweeps the others
    recorder(Notice(level="info", text="new"))
    assert not lock_path(store.path, dead).exists()
    assert lock_path(store.path, "live").exists()  # a live holder's file stays
    recorder.close()
    live.release()
    assert _locks(store.path) == []


def test_a_sweep_never_takes_a_held_lease(store: SessionStore) -> None:
    from flux_tui.sessions.lease import remove_stale

    live = SessionLease.acquire(store.path, "live")
    assert remove_stale(store.path) == []
    again = SessionLease.acquire(store.path, "live2")
    assert {p.name for p in _locks(store.path)} == {"sessions.db.live.lock", "sessions.db.live2.lock"}
    live.release()
    again.release()


@pytest.fixture
def sandbox(tmp_path: Path, fake_api: Any) -> tuple[dict[str, str], Path, Any]:
    """Environment for a flux-tui process on the fake API (OpenAI), with its own data dir."""
    (tmp_path / "config").mkdir()
    (tmp_path / "work").mkdir()
    ours = ("FLUX_", "ANTHROPIC_", "OPENAI_")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(ours)}
    env.update(
        PYTHONPATH=str(WORKTREE),
        FLUX_CONFIG_DIR=str(tmp_path / "config"),
        FLUX_DATA_DIR=str(tmp_path / "data"),
        FLUX_PROVIDER="openai",
        OPENAI_BASE_URL=fake_api.openai_base_url,
        OPENAI_API_KEY="test-openai-key",
        TERM="xterm-256color",
    )
    return env, tmp_path / "data" / "sessions.db", fake_api


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_a_signal_ends_a_headless_run_and_releases_its_lock(
    sandbox: tuple[dict[str, str], Path, Any], sig: signal.Signals
) -> None:
    env, db, api = sandbox
    api.queue_openai_text("slow " * 200, delay=0.1)
    run = subprocess.Popen(
        [sys.executable, "-m", "flux_tui", "run", "go"],
        env=env,
        cwd=db.parent.parent / "work",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: bool(_locks(db)) and bool(api.requests))
        time.sleep(0.3)  # into the answer
        run.send_signal(sig)
        _, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert _locks(db) == []
    with SessionStore(db, read_only=True) as store:
        (info,) = store.list_sessions()
    assert info.title and "go" in info.title  # what was answered is saved


@contextlib.contextmanager
def _in_a_terminal(argv: list[str], env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``argv`` with a pseudo-terminal for its stdin/stdout/stderr, its output drained."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)

    def drain() -> None:
        with contextlib.suppress(OSError):
            while os.read(master, 65536):
                pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        reader.join(5)


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_a_signal_quits_the_app_and_releases_its_lock(
    sandbox: tuple[dict[str, str], Path, Any], sig: signal.Signals
) -> None:
    env, db, _ = sandbox
    db.parent.mkdir(parents=True)
    with SessionStore(db) as store:
        session_id = store.create_session()
        store.append(session_id, [Notice(level="info", text="before")])
    argv = [sys.executable, "-m", "flux_tui", "--resume", session_id]
    with _in_a_terminal(argv, env, db.parent.parent / "work") as app:
        _wait_for(lambda: lock_path(db, session_id).exists())
        time.sleep(1.0)  # the app is up
        app.send_signal(sig)
        app.wait(timeout=30)
    assert _locks(db) == []
