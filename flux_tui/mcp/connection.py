"""One MCP server: started, its tools listed, called, watched, stopped, through the SDK's ``Client``.

The SDK's client is an async context manager whose transport must be entered and left in the same
task, so each connection owns a task that holds it open until ``stop``. The ``mcp`` package is imported
only when a server is started: sessions without MCP servers never load it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from flux_tui.mcp.specs import McpServerSpec

log = logging.getLogger(__name__)

State = Literal["starting", "ready", "failed", "stopped"]
_WATCH_INTERVAL = 1.0  # seconds between liveness checks while a call runs
_STDERR_TAIL = 4096  # bytes of the server's stderr looked at when it fails
STOP_TIMEOUT = 2.0  # seconds a running server gets to end once asked
# The SDK's shutdown after a cancel: stdin closed, 2 s, SIGTERM to the group, 2 s, SIGKILL.
KILL_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class RemoteTool:
    name: str
    description: str
    input_schema: dict[str, Any]


class ServerGone(Exception):
    """The server's connection closed (it exited, crashed or was stopped)."""


class McpConnection:
    def __init__(self, spec: McpServerSpec, workspace: Path) -> None:
        self.spec = spec
        self.workspace = workspace
        self.state: State = "starting"
        self.error: str | None = None
        self.tools: list[RemoteTool] = []
        self._client: Any = None
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._errlog: Any = None  # the server's stderr: its last lines explain a failure
        self._stopping: asyncio.Future[None] | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    async def start(self) -> None:
        """Connect and list the tools; on failure ``state`` is ``failed`` and ``error`` says why."""
        self._task = asyncio.create_task(self._hold(), name=f"mcp:{self.name}")
        ready = asyncio.create_task(self._ready.wait())
        try:
            await asyncio.wait(
                {self._task, ready},
                timeout=self.spec.settings.startup_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            ready.cancel()
        if self.state == "starting":
            self._fail(f"did not start within {self.spec.settings.startup_timeout:g} s")
            await self.stop()

    def _transport(self) -> Any:
        settings = self.spec.settings
        if settings.url:
            return settings.url
        from mcp import StdioServerParameters

        return StdioServerParameters(
            command=settings.command or "",
            args=list(settings.args),
            env=dict(settings.env) or None,
            cwd=str(self.workspace),
        )

    async def _hold(self) -> None:
        try:
            await asyncio.to_thread(load_sdk)
            from mcp import Client

            transport = self._transport()
            client = Client(transport, raise_exceptions=False) if isinstance(transport, str) else None
            if client is None:
                # The server's own log would draw over the TUI: it goes to a file, read on failure.
                errlog = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115
                self._errlog = errlog  # closed in stop()
                client = _stdio_client(transport, self._errlog)
            async with client as connected:
                self._client = connected
                listed = await connected.list_tools()
                self.tools = [
                    RemoteTool(t.name, t.description or "", dict(t.input_schema or {"type": "object"}))
                    for t in listed.tools
                ]
                self.state = "ready"
                self._ready.set()
                await self._stop.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the SDK raises exception groups, and OSError for a missing command
            if self.state != "stopped":
                self._fail(_describe(exc))
        finally:
            self._client = None
            if self.state == "ready":
                self.state = "stopped"

    def _fail(self, message: str) -> None:
        self.state = "failed"
        last = self._last_words()
        self.error = f"{message} (it said: {last})" if last else message
        log.warning("MCP server %s: %s", self.name, message)

    async def call(self, tool: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        """(text of the result, is_error). Raises ``ServerGone`` when the server is no longer there."""
        client = self._client
        if client is None or self.state != "ready":
            raise ServerGone(self.error or "the server is not running")
        call = asyncio.create_task(client.call_tool(tool, arguments))
        deadline = asyncio.get_running_loop().time() + self.spec.settings.call_timeout
        try:
            while True:
                done, _ = await asyncio.wait({call}, timeout=_WATCH_INTERVAL)
                if done:
                    break
                if not await self._alive():
                    raise ServerGone("the server exited during the call")
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError
        except TimeoutError:
            call.cancel()
            timeout = self.spec.settings.call_timeout
            return f"{tool} on MCP server {self.name} did not answer within {timeout:g} s", True
        except BaseException:
            call.cancel()
            raise
        try:
            result = call.result()
        except Exception as exc:
            if not await self._alive():
                raise ServerGone(_describe(exc)) from exc
            return f"{tool} on MCP server {self.name} failed: {_describe(exc)}", True
        return result_text(result), bool(getattr(result, "is_error", False))

    async def _alive(self) -> bool:
        client = self._client
        if client is None or self._task is None or self._task.done():
            return False
        try:
            # Listing the tools is the cheapest request every protocol version answers.
            await asyncio.wait_for(client.list_tools(), timeout=5.0)
        except TimeoutError:
            return True  # busy, not gone
        except Exception:
            return False
        return True

    def mark_gone(self, message: str) -> None:
        if self.state == "ready":
            self._fail(message)

    async def stop(self) -> None:
        """Stop the server, in bounded time: the app's quit and the worker's exit may both call this."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop_once())
        # Waiting is bounded and never cancels the stop itself (a second cancel would break the SDK's
        # shielded shutdown of the process, which closes stdin, then kills the process group).
        await asyncio.wait({self._stopping}, timeout=STOP_TIMEOUT + KILL_TIMEOUT + 1.0)

    async def _stop_once(self) -> None:
        was_ready = self.state == "ready"
        if self.state in ("starting", "ready"):
            self.state = "stopped"
        self._stop.set()
        task = self._task
        if task is not None and not task.done():
            if was_ready:  # a server that answers gets to end cleanly
                await asyncio.wait({task}, timeout=STOP_TIMEOUT)
            if not task.done():  # one stuck at startup never reads the stop: no point waiting
                task.cancel()
                await asyncio.wait({task}, timeout=KILL_TIMEOUT)
        if self._errlog is not None:
            self._errlog.close()
            self._errlog = None

    def _last_words(self) -> str:
        """The last line the server wrote to stderr, if any (why it would not start, its traceback)."""
        if self._errlog is None:
            return ""
        try:
            self._errlog.seek(0, os.SEEK_END)
            size = self._errlog.tell()
            self._errlog.seek(max(0, size - _STDERR_TAIL))
            tail = self._errlog.read()
        except (OSError, ValueError):
            return ""
        lines = [line.strip() for line in tail.splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""


def load_sdk() -> None:
    """Import the MCP SDK (about a third of a second of CPU). Called off the event loop: a loop
    importing it takes no key and draws no frame meanwhile, just after the app's first frame."""
    import mcp
    import mcp.client.stdio  # noqa: F401


def _stdio_client(params: Any, errlog: Any) -> Any:
    """The SDK's ``Client`` over its stdio transport, with the server's stderr sent to ``errlog``."""
    from mcp import Client
    from mcp.client.stdio import stdio_client

    return Client(stdio_client(params, errlog=errlog), raise_exceptions=False)


def result_text(result: Any) -> str:
    """The text of a ``CallToolResult``: its text blocks, a note for other content, else its structure."""
    parts: list[str] = []
    for block in getattr(result, "content", None) or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind in ("image", "audio"):
            parts.append(f"[{kind} content ({getattr(block, 'mime_type', '?')}) not shown]")
        elif kind == "resource_link":
            parts.append(f"[resource: {getattr(block, 'uri', '?')}]")
        else:
            parts.append(f"[{kind or 'unknown'} content]")
    structured = getattr(result, "structured_content", None)
    if not parts and structured is not None:
        import json

        parts.append(json.dumps(structured, ensure_ascii=False, default=str))
    return "\n".join(parts) if parts else "(no output)"


def _describe(exc: BaseException) -> str:
    """One line for an error, looking inside exception groups for the first real cause."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
