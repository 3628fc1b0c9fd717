"""Running the app in a terminal and watching what it paints.

Two terminals, one interface: ``TmuxTerminal`` (a real terminal emulator, tmux, on a private socket; the
default) and ``PtyTerminal`` (a bare pseudo-terminal this process reads; for machines without tmux, CI).
Either way the app's raw output bytes reach an ``OutputWatcher``, which timestamps the moment a string
first appears in them: that is "on screen" (the bytes have reached the terminal). Strings are waited for
only in output that arrives after ``expect()`` was called.

The app is started by a bash wrapper that waits on a FIFO until the watcher is wired, writes
``$EPOCHREALTIME`` (the process start) and its pid, then ``exec``s the app: the pid and the start time
are the app's own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from benchmarks.proc import alive

COLUMNS, ROWS = 160, 50
QUIT_KEY = "\x11"  # ctrl+q


class Expectation:
    """A string awaited in the output; ``wait()`` returns the ``time.monotonic()`` it arrived."""

    def __init__(self, pattern: bytes, after: int) -> None:
        self.pattern = pattern
        self.after = after  # only a match ending beyond this byte offset counts
        self.at: float | None = None
        self._event = threading.Event()

    def hit(self, at: float) -> None:
        self.at = at
        self._event.set()

    def wait(self, timeout: float) -> float:
        if not self._event.wait(timeout):
            raise TimeoutError(f"{self.pattern.decode(errors='replace')!r} not on screen within {timeout}s")
        assert self.at is not None
        return self.at


class OutputWatcher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Expectation] = []
        self._tail = b""
        self.received = 0  # bytes so far
        self.recent = bytearray()  # the last output, for error messages

    def expect(self, text: str) -> Expectation:
        with self._lock:
            expectation = Expectation(text.encode(), self.received)
            self._pending.append(expectation)
            return expectation

    def feed(self, data: bytes) -> None:
        now = time.monotonic()
        with self._lock:
            window = self._tail + data
            base = self.received - len(self._tail)  # absolute offset of window[0]
            self.received += len(data)
            self.recent += data
            del self.recent[:-8192]
            for expectation in list(self._pending):
                start = max(0, expectation.after - base - len(expectation.pattern) + 1)
                if window.find(expectation.pattern, start) >= 0:
                    expectation.hit(now)
                    self._pending.remove(expectation)
            longest = max((len(e.pattern) for e in self._pending), default=64)
            self._tail = window[-max(longest, 64) :]


class Terminal:
    """Base: the gated launch, the reader thread, the start time and pid files."""

    def __init__(self) -> None:
        self.watcher = OutputWatcher()
        self._dir = Path(tempfile.mkdtemp(prefix="fluxbench-term-"))
        self._go = self._dir / "go"
        os.mkfifo(self._go)
        self.pid: int | None = None
        self.started_at: float | None = None  # monotonic time of the app's exec
        self._reader: threading.Thread | None = None

    def _script(self, argv: Sequence[str]) -> str:
        return (
            f"read -r _ < {shlex.quote(str(self._go))}; "
            f"echo $$ > {shlex.quote(str(self._dir / 'pid'))}; "
            f"echo $EPOCHREALTIME > {shlex.quote(str(self._dir / 't0'))}; "
            f"exec {shlex.join(argv)}"
        )

    def _read(self, stream: BinaryIO) -> None:
        with stream:
            while True:
                try:
                    data = stream.read(65536)
                except OSError:  # the pty's other side closed
                    return
                if not data:
                    return
                self.watcher.feed(data)

    def _start_reader(self, opener: Callable[[], BinaryIO]) -> None:
        def run() -> None:
            self._read(opener())

        self._reader = threading.Thread(target=run, name="fluxbench-reader", daemon=True)
        self._reader.start()

    def go(self, timeout: float = 10.0) -> float:
        """Let the app start; returns the monotonic time of its exec."""
        offset = time.time() - time.monotonic()
        with open(self._go, "w") as fifo:
            fifo.write("go\n")
        deadline = time.monotonic() + timeout
        t0_file = self._dir / "t0"
        while not (t0_file.exists() and t0_file.read_text().strip()):
            if time.monotonic() > deadline:
                raise TimeoutError("the app's wrapper never started")
            time.sleep(0.002)
        self.pid = int((self._dir / "pid").read_text())
        self.started_at = float(t0_file.read_text().strip().replace(",", ".")) - offset
        return self.started_at

    def type(self, text: str) -> None:
        raise NotImplementedError

    def enter(self) -> None:
        raise NotImplementedError

    def close(self, timeout: float = 8.0) -> None:
        """Quit the app with ctrl+q; kill it (it is our child) if it does not go in time."""
        if self.pid is not None and alive(self.pid):
            with contextlib.suppress(Exception):
                self.type(QUIT_KEY)
            deadline = time.monotonic() + timeout
            while alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if alive(self.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
        self._shutdown()
        if self._reader is not None:
            self._reader.join(timeout=5)
        shutil.rmtree(self._dir, ignore_errors=True)

    def _shutdown(self) -> None:
        pass


class TmuxTerminal(Terminal):
    """The app in a detached tmux session of its own server (private socket, no user config)."""

    _count = 0

    def __init__(self) -> None:
        super().__init__()
        TmuxTerminal._count += 1
        self.socket = f"fluxbench-{os.getpid()}-{TmuxTerminal._count}"
        conf = self._dir / "tmux.conf"
        conf.write_text(
            "set -g default-shell /bin/bash\n"
            "set -g default-terminal tmux-256color\n"
            "set -g status off\n"
            "set -g history-limit 0\n"
            "set -g escape-time 0\n"
        )
        self._conf = conf

    def _tmux(self, *args: str, env: Mapping[str, str] | None = None) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self._conf), *args],
            check=True,
            env=dict(env) if env is not None else None,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def launch(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        out = self._dir / "out"
        os.mkfifo(out)
        # The server is started by this call and passes its environment (ours: ``env``) to the pane.
        self._tmux(
            "new-session", "-d", "-s", "app", "-x", str(COLUMNS), "-y", str(ROWS), "-c", str(cwd),
            self._script(argv), env=env,
        )  # fmt: skip
        self._start_reader(lambda: open(out, "rb", buffering=0))  # noqa: SIM115 (closed by _read)
        self._tmux("pipe-pane", "-O", "-t", "app", f"cat > {shlex.quote(str(out))}")

    def type(self, text: str) -> None:
        if text == QUIT_KEY:
            self._tmux("send-keys", "-t", "app", "C-q")
        else:
            self._tmux("send-keys", "-t", "app", "-l", "--", text)

    def enter(self) -> None:
        self._tmux("send-keys", "-t", "app", "Enter")

    def _shutdown(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._tmux("kill-server")


class PtyTerminal(Terminal):
    """The app on a pseudo-terminal whose master side this process reads (no terminal emulator)."""

    def __init__(self) -> None:
        super().__init__()
        self._master: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def launch(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        full_env = {**env, "TERM": "xterm-256color"}
        self._proc = subprocess.Popen(
            ["bash", "-c", self._script(argv)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=full_env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self._master = master
        self._start_reader(lambda: os.fdopen(os.dup(master), "rb", buffering=0))

    def type(self, text: str) -> None:
        assert self._master is not None
        os.write(self._master, text.encode())

    def enter(self) -> None:
        self.type("\r")

    def _shutdown(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=2)
        if self._master is not None:
            os.close(self._master)
            self._master = None


def make_terminal(kind: str) -> Terminal:
    if kind == "tmux":
        return TmuxTerminal()
    if kind == "pty":
        return PtyTerminal()
    raise ValueError(f"unknown terminal {kind!r} (tmux or pty)")


def default_terminal() -> str:
    return "tmux" if shutil.which("tmux") else "pty"
