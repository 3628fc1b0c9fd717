"""The app on a real pseudo-terminal, with keys typed while it starts (long before the first frame):
Enter sends the prompt, ctrl+q quits, and the terminal ends with the attributes it started with.

The app is started through ``flux_tui.cli.main`` with its configuration's loading held until the keys
are typed: the tty receives them (and, in cooked mode, translates them) while start-up is under way,
every time, whatever the machine's speed. Runs in CI as any test does: the app talks only to the fake
API on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakeapi import FakeAPI

ROOT = Path(__file__).resolve().parents[2]
TEST_KEY = "sk-ant-test-0123456789abcdef"  # in conftest.TEST_SECRETS: no written file may hold it
OWN_VARIABLES = ("FLUX_", "ANTHROPIC_", "OPENAI_")  # the caller's settings stay out of the app's
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


# Runs the app as `flux-tui` does, its start-up paused where the configuration is loaded (after the
# command line is parsed, before the heavy imports) until the test has typed.
PAUSED_START = """
import os, sys
import flux_tui.core.config as config
ready, go = int(sys.argv[1]), int(sys.argv[2])
load = config.load_config
def paused(*args, **kwargs):
    config.load_config = load
    os.write(ready, b"1")
    os.read(go, 1)
    return load(*args, **kwargs)
config.load_config = paused
from flux_tui.cli import main
raise SystemExit(main([]))
"""


class AppOnPty:
    def __init__(self, master: int, slave: int, proc: subprocess.Popen[bytes], ready: int, go: int) -> None:
        self.master, self.slave, self.proc = master, slave, proc
        self._ready, self._go = ready, go
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:  # the app blocks on a full pty unless someone reads it
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def type_while_starting(self, text: str) -> None:
        """Type ``text`` while start-up is paused, then let it go on."""
        readable, _, _ = select.select([self._ready], [], [], 15)
        assert readable, f"the app did not reach its configuration; the screen shows {bytes(self.output)!r}"
        os.read(self._ready, 1)
        os.write(self.master, text.encode())
        time.sleep(0.2)  # the tty's line discipline takes the keys in (and, cooked, translates them)
        os.write(self._go, b"1")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())


@pytest.fixture
def app_on_pty(tmp_path: Path, fake_api: FakeAPI) -> Iterator[Callable[..., AppOnPty]]:
    started: list[AppOnPty] = []

    def start(typed_first: str = "") -> AppOnPty:
        """``typed_first``: keys typed before the process starts, into the shell's cooked tty."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.write(master, typed_first.encode())
        dirs = {name: tmp_path / name for name in ("work", "config", "data")}
        for path in dirs.values():
            path.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith(OWN_VARIABLES)}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "TERM": "xterm-256color",
                "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
                "ANTHROPIC_API_KEY": TEST_KEY,
                "FLUX_PROVIDER": "anthropic",
                "FLUX_MODEL": "claude-sonnet-4-5",
                "FLUX_CONFIG_DIR": str(dirs["config"]),
                "FLUX_DATA_DIR": str(dirs["data"]),
            }
        )
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-c", PAUSED_START, str(ready_w), str(go_r)],
            pass_fds=(ready_w, go_r),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=dirs["work"],
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(ready_w)
        os.close(go_r)
        app = AppOnPty(master, slave, proc, ready_r, go_w)
        started.append(app)
        return app

    yield start
    for app in started:
        if app.proc.poll() is None:
            app.proc.kill()
        app.proc.wait(10)
        for fd in (app.slave, app._ready, app._go):
            os.close(fd)
        with contextlib.suppress(OSError):
            os.close(app.master)


def _until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_prompt_typed_before_the_first_frame_is_sent_by_its_enter(
    app_on_pty: Callable[[], AppOnPty], fake_api: FakeAPI
) -> None:
    fake_api.queue_anthropic_text("hello back")
    app = app_on_pty()
    original = termios.tcgetattr(app.slave)
    app.type_while_starting("hi\r")
    sent = _until(lambda: bool(fake_api.requests_to("/v1/messages")), 15)
    tail = bytes(app.output[-2000:])
    assert sent, f"Enter typed ahead did not send the prompt; the screen ended with {tail!r}"
    assert "hi" in str(fake_api.last_request("/v1/messages").body["messages"])
    app.type("\x11")  # ctrl+q
    assert app.proc.wait(15) == 0, bytes(app.output[-3000:])  # a traceback on the way out
    assert termios.tcgetattr(app.slave) == original


def test_a_prompt_typed_before_the_process_started_is_sent_by_its_enter(
    app_on_pty: Callable[..., AppOnPty], fake_api: FakeAPI
) -> None:
    """As a script or a terminal multiplexer types: the keys reach the tty before the interpreter runs,
    so the cooked mode's line editor takes them (its Enter a ``\n``, read by the app as ctrl+j)."""
    fake_api.queue_anthropic_text("hello back")
    app = app_on_pty(typed_first="fix it\rnext")
    original = termios.tcgetattr(app.slave)
    app.type_while_starting(" one")
    sent = _until(lambda: bool(fake_api.requests_to("/v1/messages")), 15)
    tail = bytes(app.output[-2000:])
    assert sent, f"Enter typed before the start did not send the prompt; the screen ended with {tail!r}"
    messages = str(fake_api.last_request("/v1/messages").body["messages"])
    assert "fix it" in messages and "next" not in messages
    assert _until(lambda: b"next one" in app.output, 10), "the keys after the Enter are not in the prompt"
    app.type("\x11")  # ctrl+q
    assert app.proc.wait(15) == 0, bytes(app.output[-3000:])  # a traceback on the way out
    assert termios.tcgetattr(app.slave) == original


def test_ctrl_q_typed_before_the_first_frame_quits(app_on_pty: Callable[[], AppOnPty]) -> None:
    app = app_on_pty()
    original = termios.tcgetattr(app.slave)
    app.type_while_starting("\x11")  # ctrl+q
    try:
        code = app.proc.wait(15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"ctrl+q typed ahead did not quit; the screen ended with {bytes(app.output[-2000:])!r}")
    assert code == 0
    assert termios.tcgetattr(app.slave) == original
