"""The app under test: how it is started, where its files go, how a prompt is sent and its answer seen.

``BenchContext`` holds what every scenario shares (the streaming server, provider, terminal kind, a
scratch directory); ``context.app()`` starts one app process and returns a ``RunningApp``.

The app is the real ``flux-tui`` console script (``python -m flux_tui`` if the script is not installed
next to this interpreter or on the PATH). ``BenchContext.entry`` says which one was measured.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from benchmarks.proc import cpu_seconds, memory_mb, wait_idle
from benchmarks.server import ServerClient
from benchmarks.terminal import Terminal, make_terminal

FIRST_FRAME_TEXT = "Enter sends"  # part of the prompt's placeholder, painted in the first frame
PROBE = "qzx"  # typed as soon as the first frame shows; its echo in the prompt means "ready for input"
_ENV_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "TEXTUAL")
MODELS = {"anthropic": "claude-sonnet-4-5", "openai": "gpt-4o"}


def cpu_probe() -> float:
    """Seconds this process takes for a fixed piece of pure-Python work: the machine's speed now.

    This machine's speed drifts by up to a half over tens of seconds with nothing else running (a
    shared host), so the suite records it beside the figures (``machine_probe_ms``)."""
    started = time.perf_counter()
    total = 0
    for i in range(60_000):
        total += i * i % 7
    return time.perf_counter() - started


def machine_probe_ms(samples: int = 15) -> float:
    """The median of ``samples`` probes, in milliseconds (about 3 ms on a fast phase of this machine)."""
    return round(1000 * statistics.median(cpu_probe() for _ in range(samples)), 2)


def unique_marker(label: str) -> str:
    """A word found nowhere else on screen (not in the prompt that asked for it either)."""
    return f"ZZ{label.upper()}{secrets.token_hex(4).upper()}END"


REPO = Path(__file__).resolve().parents[1]


def flux_entry() -> tuple[list[str], str]:
    """The command that starts the app, and its name for the report."""
    script = Path(sys.executable).with_name("flux-tui")
    found = str(script) if script.exists() else shutil.which("flux-tui")
    if found:
        return [found], "flux-tui"
    return [sys.executable, "-m", "flux_tui"], MODULE_ENTRY


MODULE_ENTRY = "python -m flux_tui"
FLOOR_ARGV = [sys.executable, "-m", "benchmarks.floor_app"]  # the startup floor (``floor_app``)


@dataclass
class BenchContext:
    server: ServerClient
    provider: str = "anthropic"
    terminal: str = "tmux"
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fluxbench-")))
    _count: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def model(self) -> str:
        return MODELS[self.provider]

    @property
    def entry(self) -> str:
        return flux_entry()[1]

    def fresh_dirs(self) -> dict[str, Path]:
        """An empty workspace, config dir and data dir for one app run."""
        base = self.root / f"run{next(self._count)}"
        dirs = {name: base / name for name in ("work", "config", "data")}
        for path in dirs.values():
            path.mkdir(parents=True)
        return dirs

    def app_env(self, dirs: dict[str, Path], *, needs_repo: bool = False) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_ENV_PREFIXES)}
        # A user's app has its bytecode cached; the warm-up launch writes it for the measured ones.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(
            {
                "ANTHROPIC_BASE_URL": self.server.anthropic_base_url,
                "OPENAI_BASE_URL": self.server.openai_base_url,
                "ANTHROPIC_API_KEY": "bench-anthropic-key",
                "OPENAI_API_KEY": "bench-openai-key",
                "FLUX_PROVIDER": self.provider,
                "FLUX_MODEL": self.model,
                "FLUX_CONFIG_DIR": str(dirs["config"]),
                "FLUX_DATA_DIR": str(dirs["data"]),
                "COLORTERM": "truecolor",
            }
        )
        if needs_repo or self.entry == MODULE_ENTRY:  # run from the scratch workspace: find this repo
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        return env

    def app(self, args: Sequence[str] = (), *, dirs: dict[str, Path] | None = None) -> RunningApp:
        return RunningApp(self, list(args), dirs or self.fresh_dirs())

    def floor_app(self) -> RunningApp:
        """The startup floor (a minimal Textual app), launched the way ``app()`` launches flux-tui."""
        return RunningApp(self, [], self.fresh_dirs(), argv=FLOOR_ARGV)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Exchange:
    enter: float  # monotonic time Enter was sent
    on_screen: float  # monotonic time the answer's marker reached the terminal
    cpu_at_enter: float
    cpu_on_screen: float

    @property
    def seconds(self) -> float:
        return self.on_screen - self.enter


class RunningApp:
    """One app process in its own terminal; a context manager that quits it on exit."""

    def __init__(
        self,
        context: BenchContext,
        args: list[str],
        dirs: dict[str, Path],
        *,
        argv: Sequence[str] | None = None,
    ) -> None:
        self.context = context
        self.dirs = dirs
        self.terminal: Terminal = make_terminal(context.terminal)
        self.is_floor = argv is not None
        self.argv = [*(argv if argv is not None else flux_entry()[0]), *args]
        self.started_at = 0.0
        self.first_frame_at = 0.0
        self.ready_at: float | None = None

    @property
    def pid(self) -> int:
        assert self.terminal.pid is not None
        return self.terminal.pid

    def start(self, *, probe: bool = False, also: Sequence[str] = (), timeout: float = 30.0) -> list[float]:
        """Start the app and wait for its first frame (and, with ``probe``, for input to be echoed).
        ``also``: more strings to wait for from the start; returns the times they showed up."""
        env = self.context.app_env(self.dirs, needs_repo=self.is_floor)
        self.terminal.launch(self.argv, env, self.dirs["work"])
        watcher = self.terminal.watcher
        frame = watcher.expect(FIRST_FRAME_TEXT)
        extra = [watcher.expect(text) for text in also]
        echo = watcher.expect(PROBE) if probe else None
        self.started_at = self.terminal.go()
        self.first_frame_at = frame.wait(timeout)
        if echo is not None:
            self.terminal.type(PROBE)
            self.ready_at = echo.wait(timeout)
        return [e.wait(timeout) for e in extra]

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the app is idle (startup imports done, the last answer's final render done)."""
        wait_idle(self.pid, timeout=timeout)

    def ask(self, prompt: str, marker: str, timeout: float = 300.0) -> Exchange:
        """Type ``prompt``, press Enter, wait until ``marker`` is on screen. The server must have been
        told (``ServerClient.plan``) to end this answer with ``marker``."""
        watcher = self.terminal.watcher
        typed = watcher.expect(prompt)
        self.terminal.type(prompt)
        typed.wait(30.0)
        seen = watcher.expect(marker)
        cpu_before = cpu_seconds(self.pid)
        enter = time.monotonic()
        self.terminal.enter()
        on_screen = seen.wait(timeout)
        return Exchange(enter, on_screen, cpu_before, cpu_seconds(self.pid))

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def memory(self) -> dict[str, float]:
        return memory_mb(self.pid)

    def close(self) -> None:
        self.terminal.close()

    def __enter__(self) -> RunningApp:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def start_server(timeout: float = 20.0) -> tuple[subprocess.Popen[str], ServerClient]:
    """``python -m benchmarks.server`` in a process of its own; returns it and a client."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = process.stdout.readline()
    if not line.startswith("PORT ") or time.monotonic() > deadline:
        process.kill()
        raise RuntimeError(f"benchmark server did not start: {line!r}")
    return process, ServerClient(f"http://127.0.0.1:{int(line.split()[1])}")
