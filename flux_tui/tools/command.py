"""run_command: a shell command in the workspace, with bounded output and a timeout that really kills.

The command runs in its own process group (session), so a timeout or a cancel kills everything it
started (``sh -c 'sleep 100 &'`` included), not just the shell. API keys of the providers are removed
from its environment: a model that runs ``env`` must not get them into the transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from typing import Any, ClassVar

from flux_tui.core.protocols import ToolOutcome
from flux_tui.tools.base import Tool, opt_number, req_str

MAX_TIMEOUT = 1800.0
HEAD_CHARS = 12_000
TAIL_CHARS = 12_000
KILL_GRACE = 2.0
_SECRET_ENV = re.compile(r".*(_API_KEY|_AUTH_TOKEN)$", re.IGNORECASE)


def child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not _SECRET_ENV.match(k)}


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
        spawn = asyncio.ensure_future(
            asyncio.create_subprocess_shell(
                command,
                cwd=self.ctx.workspace.root,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                env=child_env(),
            )
        )
        try:
            proc = await asyncio.shield(spawn)
        except asyncio.CancelledError:
            # Cancelled while asyncio was still wiring up the pipes: the process may already run
            # (and asyncio's own cleanup would only kill the shell, not its children).
            with contextlib.suppress(Exception):
                await _kill_group(await spawn)
            raise
        collector = _Collector()
        timed_out = False
        try:
            await asyncio.wait_for(self._pump(proc, collector), timeout)
        except TimeoutError:
            timed_out = True
            await _kill_group(proc)
        except BaseException:  # cancelled: leave nothing running behind us
            await _kill_group(proc)
            raise
        output = collector.text().rstrip("\n")
        body = output if output else "(no output)"
        if timed_out:
            return ToolOutcome(f"{body}\n[timed out after {timeout:g} s; the process was killed]", True)
        code = proc.returncode
        if code is not None and code < 0:
            return ToolOutcome(f"{body}\n[killed by signal {-code}]", is_error=True)
        return ToolOutcome(f"{body}\n[exit code {code}]", is_error=code != 0)

    @staticmethod
    async def _pump(proc: asyncio.subprocess.Process, collector: _Collector) -> None:
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(65536):
            collector.feed(chunk)
        await proc.wait()


async def _kill_group(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM the whole group, give it a moment, then SIGKILL whatever is left of it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(proc.wait()), KILL_GRACE)
    # Even when the leader is gone, children in its group may linger.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(proc.wait()), KILL_GRACE)
