"""Usage reporting of one model step: a throttled live estimate while streaming, then the real figures.

The estimate (tiktoken via ``core.tokens`` when available) lets the sidebar move while the answer
streams; the provider's usage event of the same reply replaces it. Exactly one ``UsageReported`` with
``estimated=False`` is emitted per reply that reported usage, when the reply ends (also when it failed
or was cancelled: tokens already spent are still spent). Later usage events of a reply replace earlier
ones (Anthropic's ``message_delta`` totals replace ``message_start``), so only the last one is reported.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from flux_tui.core.agent_events import AgentEvent, UsageReported
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
    ) -> None:
        self._emit = emit
        self._kind = kind
        self._provider = provider
        self._model = model
        self._input_tokens = input_tokens
        self._base_url = base_url
        self._interval = interval
        self._clock = clock
        self._last_report = clock()
        self._estimated_input: int | None = None
        self._output_tokens = 0
        self._unreported = ""
        self.final: dict[str, Any] | None = None

    def add_output(self, text: str) -> None:
        self._unreported += text

    def set_final(self, usage: dict[str, Any]) -> None:
        self.final = dict(usage)

    def tick(self) -> None:
        """Emit an estimate if the interval has passed since the last one."""
        now = self._clock()
        if now - self._last_report < self._interval:
            return
        self._last_report = now
        # Counting only the new text keeps each tick cheap however long the answer grows.
        self._output_tokens += _count_tokens(self._unreported)
        self._unreported = ""
        usage = self._estimate()
        self._emit(
            UsageReported(
                provider=self._provider,
                model=self._model,
                cost=price(self._kind, self._model, usage, self._provider, self._base_url),
                estimated=True,
                **{k: usage[k] for k in _USAGE_KEYS},
            )
        )

    def _estimate(self) -> dict[str, Any]:
        if self.final is not None:
            # Anthropic reports input at message_start: better than any estimate.
            base = {k: int(self.final.get(k) or 0) for k in _USAGE_KEYS}
            base["output_tokens"] = max(base["output_tokens"], self._output_tokens)
            return base
        if self._estimated_input is None:
            self._estimated_input = self._input_tokens()
        usage = dict.fromkeys(_USAGE_KEYS, 0)
        usage["input_tokens"] = self._estimated_input
        usage["output_tokens"] = self._output_tokens
        return usage

    def finish(self) -> None:
        """Emit the provider-reported usage of this reply, if it reported any."""
        if self.final is None:
            return
        usage = {k: int(self.final.get(k) or 0) for k in _USAGE_KEYS}
        provider = str(self.final.get("provider") or self._provider)
        model = str(self.final.get("model") or self._model)
        self._emit(
            UsageReported(
                provider=provider,
                model=model,
                cost=price(self._kind, model, usage, provider, self._base_url),
                estimated=False,
                **usage,
            )
        )
        self.final = None


_USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)
