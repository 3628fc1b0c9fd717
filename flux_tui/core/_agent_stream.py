"""The model's stream as the agent loop reads it: the default step, closing the stream however the step
ends, and what each provider event becomes (agent events, and the usage meter's counts)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from flux_tui.core._agent_usage import UsageMeter
from flux_tui.core.agent_events import AgentEvent, Notice, TextDelta, ThinkingDelta
from flux_tui.core.events import STOP_OTHER, ProviderEvent
from flux_tui.core.protocols import StepRequest

if TYPE_CHECKING:
    from flux_tui.core.agent import Agent


def default_stream_step(agent: Agent, request: StepRequest) -> AsyncIterator[ProviderEvent]:
    """One plain request to the current provider (the reliable step wraps it with retries and failover)."""
    return agent.provider.send_message(request.message, request.system_prompt, request.tools)


@asynccontextmanager
async def closing(stream: AsyncIterator[ProviderEvent]) -> AsyncIterator[AsyncIterator[ProviderEvent]]:
    """Close the provider's stream however the step ends (a wrapper may return a plain iterator)."""
    try:
        yield stream
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()


def relay(event: ProviderEvent, meter: UsageMeter, emit: Callable[[AgentEvent], None]) -> str | None:
    """Emit what ``event`` says and count it; returns the stop reason when it ends the reply."""
    kind = event.get("type")
    if kind == "text":
        text = str(event.get("content") or "")
        if text:
            emit(TextDelta(text=text))
            meter.add_output(text)
            meter.tick()
    elif kind == "thinking":
        text = str(event.get("content") or "")
        if text:
            emit(ThinkingDelta(text=text))
            meter.add_output(text, thinking=True)
            meter.tick()
    elif kind == "tool_use":
        # Calls are taken from the transcript once the reply is complete; here they only count.
        meter.add_tool_call(str(event.get("name", "")), event.get("input"))
    elif kind == "usage":
        meter.set_final(dict(event))
    elif kind == "done":
        return str(event.get("stop_reason") or STOP_OTHER)
    elif kind == "notice":
        emit(Notice(text=str(event.get("content") or "")))
    return None
