"""Usage reporting of one model step: a throttled live estimate while streaming, then the real figures.

The estimate (tiktoken via ``core.tokens`` when available) lets the sidebar move while the answer
streams; the provider's usage event of the same reply replaces it. Each reply ends with one settling
``UsageReported``: ``estimated=False`` with the provider's final figures when it reported them; else
(Esc, a failure mid-answer, a server that reports nothing) ``estimated=True, settled=True`` with, for
each count, the larger of the streamed estimate and what the provider told before the answer broke off
(Anthropic's ``message_start``): tokens already spent are still spent, and the placeholder output count
of ``message_start`` is not a final figure. A retry's ``partial`` usage closes the attempt before it.
An attempt that failed before any of its reply arrived (a 400, 401 or 429, a refused connection, a
failover) settles to nothing: the provider rejected the request, so no token of it was spent.

The estimate knows what the provider's figures showed of earlier replies of the same model
(``UsageMemory``): a prompt that began with the previous one is mostly read from the cache, and a model
that reasons without streaming its reasoning spends output tokens while it is silent.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.agent_events import AgentEvent, UsageReported
from flux_tui.core.ledger import prompt_tokens_of
from flux_tui.core.transcript import TextBlock, ThinkingBlock, ToolCall, ToolResult, Transcript

log = logging.getLogger(__name__)


def _count_tokens(text: str) -> int:
    """Token count that never blocks (estimate until the encoding is loaded, or without ``core.tokens``)."""
    if not text:
        return 0
    try:
        from flux_tui.core.tokens import count_tokens
    except ImportError:
        return max(1, len(text) // 4)
    try:
        return int(count_tokens(text, wait=False))
    except Exception:  # an estimate must never break a turn
        log.debug("count_tokens failed", exc_info=True)
        return max(1, len(text) // 4)


def price(
    kind: str,
    model: str,
    usage: dict[str, Any],
    provider_name: str | None = None,
    base_url: str | None = None,
) -> float | None:
    """Cost in USD via ``core.pricing``; None when unpriced or pricing is unavailable."""
    try:
        from flux_tui.core.pricing import price_usage
    except ImportError:
        return None
    try:
        return price_usage(kind, model, usage, provider_name=provider_name, base_url=base_url)
    except Exception:
        log.debug("price_usage failed", exc_info=True)
        return None


def estimate_input(transcript: Transcript, system_prompt: str | None, tools: list[dict] | None) -> int:
    """Approximate prompt tokens of the next request (system prompt, tools, history)."""
    try:
        from flux_tui.core import tokens
    except ImportError:
        return _count_tokens(_flatten(transcript, system_prompt, tools))
    try:
        return (
            tokens.count_messages(transcript, wait=False)
            + tokens.count_tools(tools, wait=False)
            + tokens.count_tokens(system_prompt or "", wait=False)
        )
    except Exception:
        log.debug("token estimate failed", exc_info=True)
        return _count_tokens(_flatten(transcript, system_prompt, tools))


def _flatten(transcript: Transcript, system_prompt: str | None, tools: list[dict] | None) -> str:
    parts: list[str] = [system_prompt or ""]
    if tools:
        parts.append(json.dumps(tools))
    for message in transcript.messages:
        for block in message.blocks:
            if isinstance(block, TextBlock | ThinkingBlock):
                parts.append(block.text)
            elif isinstance(block, ToolCall):
                parts.append(block.name + json.dumps(block.input))
            elif isinstance(block, ToolResult):
                parts.append(block.content)
    return "\n".join(parts)


#: Output tokens of a tool call beyond its name and JSON arguments (the call's framing).
TOOL_CALL_FRAMING = 8
#: OpenAI caches prompts from this size, in steps of ``_OPENAI_CACHE_STEP`` tokens.
_OPENAI_CACHE_MIN = 1024
_OPENAI_CACHE_STEP = 128


@dataclass(slots=True)
class _Reply:
    """What the provider reported about the last complete reply of one model."""

    prompt_tokens: int  # all input, cached or not
    cache_tokens: int  # read or written
    reasoning_tokens: int
    output_per_second: float  # output tokens over the reply's duration


@dataclass(slots=True)
class UsageMemory:
    """The last reported reply of each (provider, model): what the next estimate learns from."""

    replies: dict[tuple[str, str], _Reply] = field(default_factory=dict)

    def cached_share(self, kind: str, key: tuple[str, str], prompt: int) -> int:
        """Tokens of a ``prompt``-token request likely read from the cache."""
        last = self.replies.get(key)
        if last is None:
            return 0
        if kind == "openai" and last.prompt_tokens >= _OPENAI_CACHE_MIN:
            # Automatic caching: the previous prompt, in whole cache steps, is the new one's prefix.
            return min(prompt, last.prompt_tokens) // _OPENAI_CACHE_STEP * _OPENAI_CACHE_STEP
        if last.cache_tokens:  # explicit caching is in use (cache breakpoints)
            return min(prompt, last.prompt_tokens)
        return 0

    def hidden_reasoning(self, key: tuple[str, str], silent_seconds: float) -> int:
        """Reasoning tokens a model that reasons unseen has likely spent in ``silent_seconds``."""
        last = self.replies.get(key)
        if last is None or not last.reasoning_tokens or silent_seconds <= 0:
            return 0
        return int(silent_seconds * last.output_per_second)


class UsageMeter:
    """Tracks one model step's usage and emits ``UsageReported`` events."""

    def __init__(
        self,
        emit: Callable[[AgentEvent], None],
        *,
        kind: str,
        provider: str,
        model: str,
        input_tokens: Callable[[], int],
        base_url: str | None = None,
        interval: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        memory: UsageMemory | None = None,
    ) -> None:
        self._emit = emit
        self._kind = kind
        self._provider = provider
        self._model = model
        self._input_tokens = input_tokens
        self._base_url = base_url
        self._interval = interval
        self._clock = clock
        self._memory = memory if memory is not None else UsageMemory()
        self._start = self._last_report = clock()
        self._estimated_input: int | None = None
        self._output_tokens = 0
        self._unreported = ""
        self._first_output: float | None = None  # when the first visible output came
        self._thinking_seen = False
        self._reported = False  # an estimate of this attempt was emitted
        self.final: dict[str, Any] | None = None

    def add_output(self, text: str, *, thinking: bool = False) -> None:
        if text and self._first_output is None:
            self._first_output = self._clock()
        self._thinking_seen = self._thinking_seen or thinking
        self._unreported += text

    def add_tool_call(self, name: str, arguments: Any) -> None:
        """Count a complete tool call: its name, its arguments as JSON, and the call's framing."""
        try:
            text = json.dumps(arguments, ensure_ascii=False)
        except (TypeError, ValueError):
            text = str(arguments)
        self.add_output(f"{name} {text}")
        self._output_tokens += TOOL_CALL_FRAMING

    def set_final(self, usage: dict[str, Any]) -> None:
        if usage.get("partial") and self.final is not None and self.final.get("partial"):
            # A retry: the attempt that told this usage ended before it answered.
            self._settle()
        self.final = dict(usage)

    def tick(self) -> None:
        """Emit an estimate if the interval has passed since the last one."""
        now = self._clock()
        if now - self._last_report < self._interval:
            return
        self._last_report = now
        self._report(self._estimate(now), estimated=True)

    def _flush_text(self) -> None:
        # Counting only the new text keeps each tick cheap however long the answer grows.
        self._output_tokens += _count_tokens(self._unreported)
        self._unreported = ""

    def _estimate(self, now: float) -> dict[str, int]:
        self._flush_text()
        hidden = 0
        if not self._thinking_seen:
            silent = (self._first_output if self._first_output is not None else now) - self._start
            hidden = self._memory.hidden_reasoning((self._provider, self._model), silent)
        output = self._output_tokens + hidden
        if self.final is not None:
            # Anthropic reports input at message_start: better than any estimate.
            base = {k: int(self.final.get(k) or 0) for k in _USAGE_KEYS}
            base["output_tokens"] = max(base["output_tokens"], output)
            base["reasoning_tokens"] = max(base["reasoning_tokens"], hidden)
            return base
        if self._estimated_input is None:
            self._estimated_input = self._input_tokens()
        usage = dict.fromkeys(_USAGE_KEYS, 0)
        cached = self._memory.cached_share(self._kind, (self._provider, self._model), self._estimated_input)
        usage["input_tokens"] = self._estimated_input - cached
        usage["cache_read_tokens"] = cached
        usage["output_tokens"] = output
        usage["reasoning_tokens"] = hidden
        return usage

    def _report(self, usage: dict[str, int], *, estimated: bool, settled: bool = False) -> None:
        provider = str((self.final or {}).get("provider") or self._provider)
        model = str((self.final or {}).get("model") or self._model)
        self._reported = True
        closing = settled or not estimated  # live estimates skip the extra pricing: they are many
        prompt = {**usage, "output_tokens": 0, "reasoning_tokens": 0}
        input_cost = price(self._kind, model, prompt, provider, self._base_url) if closing else None
        saved = None
        if input_cost is not None and usage["cache_read_tokens"]:
            uncached = {**prompt, "input_tokens": usage["input_tokens"] + usage["cache_read_tokens"]}
            full = price(self._kind, model, {**uncached, "cache_read_tokens": 0}, provider, self._base_url)
            saved = max(0.0, full - input_cost) if full is not None else None
        self._emit(
            UsageReported(
                provider=provider,
                model=model,
                cost=price(self._kind, model, usage, provider, self._base_url),
                input_cost=input_cost,
                cache_saved=saved,
                estimated=estimated,
                settled=settled,
                **{k: usage[k] for k in _USAGE_KEYS},
            )
        )

    def _began(self) -> bool:
        """Something of the reply arrived: usage, text, thinking or a tool call."""
        return (
            self._reported
            or self.final is not None
            or self._first_output is not None
            or bool(self._output_tokens or self._unreported)
        )

    def _settle(self, *, failed: bool = False) -> None:
        """Close an attempt without final figures: the larger of estimate and partial report, estimated;
        nothing for one that ``failed`` before any of its reply (the silence before it was no reasoning)."""
        if not failed or self._began():
            usage = self._estimate(self._clock())
            if self._reported or self.final is not None or usage["output_tokens"]:
                self._report(usage, estimated=True, settled=True)
        self.final = None
        self._output_tokens = 0
        self._unreported = ""
        self._reported = False
        self._first_output = None
        self._start = self._clock()

    def finish(self, *, failed: bool = False) -> None:
        """Close the reply: the provider's final usage, else a settled estimate (see the module doc);
        ``failed``: the attempt ended in a provider error."""
        if self.final is None or self.final.get("partial"):
            self._settle(failed=failed)
            return
        usage = {k: int(self.final.get(k) or 0) for k in _USAGE_KEYS}
        self._remember(usage)
        self._report(usage, estimated=False)
        self.final = None

    def _remember(self, usage: dict[str, int]) -> None:
        seconds = max(self._clock() - self._start, 1e-3)
        cache = usage["cache_read_tokens"] + usage["cache_write_tokens"]
        self._memory.replies[(self._provider, self._model)] = _Reply(
            prompt_tokens=prompt_tokens_of(usage),
            cache_tokens=cache,
            reasoning_tokens=usage["reasoning_tokens"],
            output_per_second=usage["output_tokens"] / seconds,
        )


_USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cache_write_1h_tokens",
)
