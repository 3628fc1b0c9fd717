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

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.redact import trim_cut_end, trim_cut_start
from flux_tui.tools.base import Tool, opt_number, req_str

MAX_TIMEOUT = 1800.0
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
        spawn = asyncio.ensure_future(
            asyncio.create_subprocess_shell(
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
