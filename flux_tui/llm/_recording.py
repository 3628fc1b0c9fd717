"""The base class's bookkeeping around a provider that implements only the plan's interface.

A plug-in's ``send_message`` yields the plan's event dicts and knows nothing of the transcript; wrapped
by ``recorded``, the prompt is appended first, the events are read into a ``Reply`` as they pass, and
the assistant message is appended exactly once at the end: complete, or marked incomplete with what
had streamed when the plug-in fails or the consumer stops. Usage events get the provider and model
filled in and are priced; a stream without ``done`` gets one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from flux_tui.core.errors import ProviderError

if TYPE_CHECKING:
    from flux_tui.llm.base_provider import BaseLLMProvider

_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")


def recorded(send: Callable[..., AsyncIterator[dict[str, Any]]]) -> Callable[..., AsyncIterator[Any]]:
    @functools.wraps(send)
    async def send_message(
        self: BaseLLMProvider,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[Any]:
        from flux_tui.llm._reply import Reply, normalise_stop_reason

        if message is not None:
            self.transcript.add_user_text(message)
        reply = Reply(provider=self.name, kind=self.kind, model=self.model)
        complete = False
        done: dict[str, Any] | None = None
        try:
            async with aclosing(send(self, message, system_prompt, tools)) as stream:  # type: ignore[type-var]
                async for event in stream:
                    event = _record(reply, dict(event))
                    if event.get("type") == "done":
                        done = event
                        continue
                    yield event
            complete = True
        except ProviderError:
            raise
        except Exception as exc:  # a plug-in's own failure, reported like a provider's
            text = f"{self.name} failed: {type(exc).__name__}: {exc}"
            raise ProviderError(text, provider=self.name, partial_text=reply.text) from exc
        finally:
            _commit(self, reply, complete)
        if done is None:
            done = {"type": "done", "stop_reason": "tool_use" if reply.tool_calls else "end_turn"}
        done["stop_reason"] = normalise_stop_reason(str(done.get("stop_reason") or "end_turn"))
        yield done

    send_message._flux_recorded = True  # type: ignore[attr-defined]
    return send_message


def _record(reply: Any, event: dict[str, Any]) -> dict[str, Any]:
    kind = event.get("type")
    reply.started = True
    if kind == "text" and event.get("content"):
        reply.add_text(str(event["content"]))
    elif kind == "thinking" and event.get("content"):
        reply.add_thinking(str(event["content"]))
    elif kind == "tool_use":
        value = event.get("input")
        raw = value if isinstance(value, str) else json.dumps(value or {})
        return dict(reply.add_tool_call(str(event.get("id") or ""), str(event.get("name") or ""), raw))
    elif kind == "usage":
        reply.set_usage(**{key: event.get(key) for key in _USAGE_KEYS})
        return dict(reply.usage_event())
    elif kind == "done":
        reply.stop_reason = str(event.get("stop_reason") or "end_turn")
    return event


def _commit(provider: BaseLLMProvider, reply: Any, complete: bool) -> None:
    from flux_tui.llm._reply import normalise_stop_reason

    blocks = reply.blocks()
    if complete or blocks:
        stop = reply.stop_reason or ("tool_use" if reply.tool_calls else "end_turn")
        provider.transcript.add_assistant(
            blocks,
            provider=provider.name,
            model=provider.model,
            stop_reason=normalise_stop_reason(stop) if complete else None,
            incomplete=not complete,
        )
    if reply.usage_seen:
        provider._account(reply.usage_event())  # type: ignore[arg-type]
