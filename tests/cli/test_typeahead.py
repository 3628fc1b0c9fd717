"""Keys typed before the app's first frame pass the tty unchanged, and the tty gets its attributes back."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flux_tui.typeahead import hold, keep_typeahead, restore, take_early

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    try:
        yield master, slave
    finally:
        os.close(master)
        os.close(slave)


def _read(fd: int, timeout: float = 1.0) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            got += os.read(fd, 1024)
        elif got:
            break
    return got


def test_a_fresh_pty_translates_enter_so_the_check_below_means_something(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    os.write(master, b"hi\r")
    assert _read(slave) == b"hi\n"


def test_enter_and_ctrl_q_typed_ahead_reach_the_reader_as_typed(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    with keep_typeahead(slave):
        os.write(master, b"hi\r\x11\x13x")
        assert _read(slave) == b"hi\r\x11\x13x"


def test_typed_ahead_keys_are_not_echoed(pty_pair: tuple[int, int]) -> None:
    master, slave = pty_pair
    with keep_typeahead(slave):
        os.write(master, b"secret\r")
        assert _read(slave) == b"secret\r"
        assert _read(master, 0.2) == b""


def test_the_block_gives_back_the_attributes_it_found(pty_pair: tuple[int, int]) -> None:
    _, slave = pty_pair
    attrs = termios.tcgetattr(slave)
    attrs[3] |= termios.ECHOE | termios.ECHOK  # something particular to give back
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    original = termios.tcgetattr(slave)
    with keep_typeahead(slave):
        assert termios.tcgetattr(slave) != original
    assert termios.tcgetattr(slave) == original


def test_attributes_come_back_on_an_exception_too(pty_pair: tuple[int, int]) -> None:
    _, slave = pty_pair
    original = termios.tcgetattr(slave)
    with pytest.raises(KeyboardInterrupt), keep_typeahead(slave):
        raise KeyboardInterrupt
    assert termios.tcgetattr(slave) == original


def test_the_shells_attributes_win_over_what_the_app_puts_back(pty_pair: tuple[int, int]) -> None:
    """Textual restores the attributes it saw at its start, the held ones; the block's end comes after."""
    _, slave = pty_pair
    original = termios.tcgetattr(slave)
    with keep_typeahead(slave):
        seen_by_app = termios.tcgetattr(slave)
        termios.tcsetattr(slave, termios.TCSANOW, seen_by_app)
    assert termios.tcgetattr(slave) == original


def test_no_tty_nothing_changes(tmp_path: Path) -> None:
    with (tmp_path / "f").open("w") as f:
        assert hold(f.fileno()) is None
        restore(f.fileno(), None)
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        with keep_typeahead(devnull):
            pass
    finally:
        os.close(devnull)


def test_sigterm_before_the_app_takes_it_restores_the_terminal(pty_pair: tuple[int, int]) -> None:
    _, slave = pty_pair
    original = termios.tcgetattr(slave)
    code = (
        "import sys, time\n"
        "from flux_tui.typeahead import keep_typeahead\n"
        "with keep_typeahead():\n"
        "    print('held', flush=True)\n"
        "    time.sleep(30)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"held\n"
        assert termios.tcgetattr(slave) != original
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == -signal.SIGTERM  # it still ends as SIGTERM ends a process
    finally:
        proc.kill()
        proc.wait()
    assert termios.tcgetattr(slave) == original


def test_keys_typed_before_the_hold_are_kept_with_enter_as_typed(pty_pair: tuple[int, int]) -> None:
    """Typed while the interpreter started, in the shell's cooked mode: a backspace already applied by its
    line editor, Enter turned into ``\\n``. They come out of the tty once, with Enter as typed."""
    master, slave = pty_pair
    take_early()
    os.write(master, b"fixx\x7f the bug\rand m")
    time.sleep(0.05)
    with keep_typeahead(slave):
        assert take_early() == b"fix the bug\rand m"
        assert take_early() == b""
        os.write(master, b"ore\r")
        assert _read(slave) == b"ore\r"  # read once: the early keys are not in the tty any more


def test_nothing_typed_early_nothing_kept(pty_pair: tuple[int, int]) -> None:
    _, slave = pty_pair
    take_early()
    with keep_typeahead(slave):
        assert take_early() == b""
