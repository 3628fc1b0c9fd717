"""run_command: a shell command in the workspace, with bounded output and a timeout that really kills.

The command runs in its own process group (session), so a timeout or a cancel kills everything it
started (``sh -c 'sleep 100 &'`` included), not just the shell.

The providers' API keys are removed from its environment (by variable name, and any variable holding a
configured key's value), so ``env`` does not show them. That is not enough on its own: the command can
still read the app's own environment (``/proc/$PPID/environ``), a ``.env`` or a flux.toml on disk,
which is why the agent redacts every tool result, this one included, before the model sees it. What
no redaction can catch is a key the command transforms first (base64, reversed): approving a command
is trusting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Collection
from typing import Any, ClassVar

from flux_tui.core._config_models import MAX_COMMAND_TIMEOUT
from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.redact import trim_cut_end, trim_cut_start
from flux_tui.tools.base import Tool, opt_number, req_str

MAX_TIMEOUT = MAX_COMMAND_TIMEOUT
HEAD_CHARS = 12_000
TAIL_CHARS = 12_000
KILL_GRACE = 2.0
_SECRET_ENV = re.compile(r".*(_API_KEY|_AUTH_TOKEN)$", re.IGNORECASE)


def child_env(secret_values: Collection[str] = ()) -> dict[str, str]:
    """The app's environment without the API key variables (and any variable holding a known key)."""
    return {k: v for k, v in os.environ.items() if not _SECRET_ENV.match(k) and v not in secret_values}


class _Collector:
    """Keeps the head and the tail of the output: the start says what ran, the end how it ended."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = HEAD_CHARS - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            excess = len(self.tail) - TAIL_CHARS
            if excess > 0:
                del self.tail[:excess]
                self.dropped += excess

    def text(self) -> str:
        head = self.head.decode("utf-8", errors="replace")
        tail = self.tail.decode("utf-8", errors="replace")
        if self.dropped:
            # Neither side keeps a token the cut may have gone through: it could be half a key, which
            # no redaction would recognise. The omitted count is in bytes of the original output.
            head, tail = trim_cut_end(head), trim_cut_start(tail)
            return f"{head}\n[... {self.dropped} bytes of output omitted ...]\n{tail}"
        return head + tail


class RunCommand(Tool):
    name = "run_command"
    description = (
        "Run a shell command in the workspace root (sh -c) and return its combined stdout and stderr "
        "plus the exit code. Long output keeps its start and its end. The process and everything it "
        "started are killed when the timeout (seconds) expires. No input can be given to it."
    )
    input_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "command": {"type": "string", "description": "The shell command line."},
            "timeout": {"type": "number", "description": "Seconds before it is killed."},
        },
        "required": ["command"],
    }

    def _timeout(self, args: dict[str, Any]) -> float:
        asked = opt_number(args, "timeout")
        return min(asked or self.ctx.command_timeout, MAX_TIMEOUT)

    def prepare(self, args: dict[str, Any]) -> tuple[str | None, Any]:
        command = req_str(args, "command", allow_empty=False)
        timeout = self._timeout(args)
        preview = f"$ {command}\n(cwd: {self.ctx.workspace.root}, timeout: {timeout:g} s)"
        return preview, None

    async def run(self, args: dict[str, Any], data: Any) -> ToolOutcome:
        command = req_str(args, "command", allow_empty=False)
        timeout = self._timeout(args)
        loop = asyncio.get_running_loop()
        collector = _Collector()
        spawn = asyncio.ensure_future(
            loop.subprocess_shell(
                lambda: _Pump(collector, loop),
                command,
                cwd=self.ctx.workspace.root,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                env=child_env(self.ctx.secret_values),
            )
        )
        try:
            transport, pump = await asyncio.shield(spawn)
        except asyncio.CancelledError:
            # Cancelled while asyncio was still wiring up the pipes: the process may already run
            # (and asyncio's own cleanup would only kill the shell, not its children).
            with contextlib.suppress(Exception):
                transport, pump = await spawn
                try:
                    await _kill_group(transport, pump)
                finally:
                    transport.close()
            raise
        try:
            timed_out = not await pump.wait_closed(timeout)
            if timed_out:
                await _kill_group(transport, pump)
        except BaseException:  # cancelled: leave nothing running behind us
            await _kill_group(transport, pump)
            raise
        finally:
            # Closed here, while the loop runs: a pipe still held open by a process that left the group
            # would otherwise be closed by the garbage collector after the loop is gone ("Event loop
            # is closed" at exit).
            transport.close()
        output = collector.text().rstrip("\n")
        body = output if output else "(no output)"
        if timed_out:
            return ToolOutcome(f"{body}\n[timed out after {timeout:g} s; the process was killed]", True)
        code = transport.get_returncode()
        if code is not None and code < 0:
            return ToolOutcome(f"{body}\n[killed by signal {-code}]", is_error=True)
        return ToolOutcome(f"{body}\n[exit code {code}]", is_error=code != 0)


class _Pump(asyncio.SubprocessProtocol):
    """Collects the output of one command; tells when it exited and when its output ended."""

    def __init__(self, collector: _Collector, loop: asyncio.AbstractEventLoop) -> None:
        self.collector = collector
        self.exited = loop.create_future()
        self.closed = loop.create_future()  # exited, and every pipe at its end

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        self.collector.feed(data)

    def process_exited(self) -> None:
        if not self.exited.done():
            self.exited.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.process_exited()
        if not self.closed.done():
            self.closed.set_result(None)

    async def wait_closed(self, timeout: float) -> bool:
        """True once the command exited and its output ended, False after ``timeout`` seconds."""
        done, _ = await asyncio.wait({self.closed}, timeout=timeout)
        return bool(done)


async def _kill_group(transport: asyncio.SubprocessTransport, pump: _Pump) -> None:
    """SIGTERM the whole group, give it a moment, then SIGKILL whatever is left of it."""
    pid = transport.get_pid()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    await asyncio.wait({pump.exited}, timeout=KILL_GRACE)
    # Even when the leader is gone, children in its group may linger.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    await asyncio.wait({pump.exited}, timeout=KILL_GRACE)
