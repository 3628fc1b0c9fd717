"""Standard output closed early (``flux-tui ... | head``): a quiet exit with 141, as Unix tools end on
SIGPIPE, no traceback on stderr or in the log, and ``run`` still saves its session."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from store_samples import add_session

from flux_tui.core.agent_events import TextDelta
from flux_tui.core.exit_codes import ExitCode
from flux_tui.sessions import SessionStore

WORKTREE = Path(__file__).resolve().parents[2]


def _closed_stdout(*argv: str) -> tuple[int, str]:
    """Run flux-tui with its standard output a pipe whose reader is gone before anything is written."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flux_tui", *argv],
            env=dict(os.environ, PYTHONPATH=str(WORKTREE)),
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    return done.returncode, done.stderr


def _log_text(env: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in env.rglob("*.log"))


def test_run_ends_quietly_and_saves_its_session(cli_env: Path, openai_fake: Any) -> None:
    openai_fake.queue_openai_text("A long answer " * 50)
    code, err = _closed_stdout("run", "tell me a long story")
    assert code == ExitCode.BROKEN_PIPE == 141
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert "Traceback" not in _log_text(cli_env)
    with SessionStore(cli_env / "data" / "sessions.db") as store:
        sessions = store.list_sessions()
    assert len(sessions) == 1


def test_stream_json_ends_quietly(cli_env: Path, openai_fake: Any) -> None:
    openai_fake.queue_openai_text("A long answer " * 50)
    code, err = _closed_stdout("run", "--output-format", "stream-json", "tell me a long story")
    assert code == 141 and "Traceback" not in err
    assert "Traceback" not in _log_text(cli_env)


def test_sessions_list_ends_quietly(cli_env: Path) -> None:
    add_session(cli_env / "data" / "sessions.db", "What is a monad?", "A burrito.")
    code, err = _closed_stdout("sessions", "list")
    assert code == 141 and err == ""


def test_completion_ends_quietly(cli_env: Path) -> None:
    code, err = _closed_stdout("completion", "bash")
    assert code == 141 and err == ""


class _ClosedAtNewline:
    """A standard output whose reader goes away after the answer, before its final newline."""

    def write(self, text: str) -> int:
        if text == "\n":
            raise BrokenPipeError(32, "Broken pipe")
        return len(text)

    def flush(self) -> None:
        pass


def test_a_pipe_closed_after_the_turn_does_not_cancel_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    from flux_tui import closed_pipe
    from flux_tui.headless import HeadlessPrinter

    async def run() -> str:
        printer = HeadlessPrinter(_ClosedAtNewline(), io.StringIO())  # type: ignore[arg-type]
        printer(TextDelta(text="no newline at the end"))
        printer.finish()
        await asyncio.sleep(0)
        return "finished"

    try:
        assert asyncio.run(run()) == "finished"
        assert closed_pipe.is_gone()
    finally:
        closed_pipe.reset()
