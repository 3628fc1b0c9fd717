"""What one streaming reply has produced so far, whatever the wire format.

Both providers feed a ``Reply`` while they stream; at the end (or on failure/cancel) it becomes the
assistant message appended to the transcript. Text is kept as a list of pieces and joined once, so a
20k-delta answer costs linear time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.events import (
    STOP_END_TURN,
    STOP_MAX_TOKENS,
    STOP_OTHER,
    STOP_REFUSAL,
    STOP_TOOL_USE,
    ToolUseEvent,
    UsageEvent,
)
from flux_tui.core.transcript import Block, TextBlock, ThinkingBlock, ToolCall

_STOP_REASONS = {
    # Anthropic
    "end_turn": STOP_END_TURN,
    "stop_sequence": STOP_END_TURN,
    "tool_use": STOP_TOOL_USE,
    "max_tokens": STOP_MAX_TOKENS,
    "model_context_window_exceeded": STOP_MAX_TOKENS,
    "refusal": STOP_REFUSAL,
    # OpenAI
    "stop": STOP_END_TURN,
    "tool_calls": STOP_TOOL_USE,
    "function_call": STOP_TOOL_USE,
    "length": STOP_MAX_TOKENS,
    "content_filter": STOP_REFUSAL,
}


def normalise_stop_reason(reason: str) -> str:
    return _STOP_REASONS.get(reason, STOP_OTHER)


def parse_tool_input(raw: str) -> tuple[dict[str, Any], str | None]:
    """Arguments as a dict, or ``({}, why)`` when they are not a JSON object. Empty means ``{}``."""
    if not raw.strip():
        return {}, None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        snippet = raw if len(raw) <= 200 else raw[:200] + "…"
        return {}, f"invalid JSON in tool arguments ({exc}): {snippet}"
    if not isinstance(value, dict):
        return {}, f"tool arguments must be a JSON object, got {type(value).__name__}"
    return value, None


@dataclass
class _Piece:
    kind: str  # "text" | "thinking"
    parts: list[str] = field(default_factory=list)
    signature: str | None = None
    redacted: str | None = None


@dataclass
class Reply:
    provider: str  # name shown to the user
    kind: str  # implementation family, tags thinking blocks
    model: str  # as configured: usage events, thinking tags and the transcript use it
    served_model: str | None = None  # as the server named it (e.g. a dated snapshot)
    started: bool = False  # the server answered 200 and began streaming
    stop_reason: str | None = None  # raw, from the wire
    usage: dict[str, int] = field(
        default_factory=lambda: {
            "input_tokens": 0,
            "output_tokens": 0,
            "cache_read_tokens": 0,
            "cache_write_tokens": 0,
            "reasoning_tokens": 0,
            "cache_write_1h_tokens": 0,
        }
    )
    usage_seen: bool = False
    salvage: Callable[[], None] | None = None  # keeps what is known complete when the stream breaks
    _items: list[_Piece | ToolCall] = field(default_factory=list)

    # -- feeding --------------------------------------------------------------------------------

    def add_text(self, text: str) -> None:
        self._piece("text").parts.append(text)

    def add_thinking(self, text: str) -> None:
        self._piece("thinking").parts.append(text)

    def start_thinking(self, redacted: str | None = None) -> None:
        self._items.append(_Piece("thinking", redacted=redacted))

    def set_signature(self, signature: str) -> None:
        piece = self._piece("thinking")
        piece.signature = (piece.signature or "") + signature

    def end_block(self) -> None:
        """Close the current text/thinking run so the next delta starts a new block."""
        self._items.append(_Piece("break"))

    def add_tool_call(self, call_id: str, name: str, raw_arguments: str) -> ToolUseEvent:
        value, error = parse_tool_input(raw_arguments)
        self._items.append(ToolCall(call_id, name, value, error))
        event: ToolUseEvent = {"type": "tool_use", "id": call_id, "name": name, "input": value}
        if error is not None:
            event["input_error"] = error
        return event

    def set_usage(self, **values: int | None) -> None:
        """Replace the counts given (totals, never increments); None leaves a count as it was."""
        for key, value in values.items():
            if value is not None:
                self.usage[key] = int(value)
        self.usage_seen = True

    def _piece(self, kind: str) -> _Piece:
        last = self._items[-1] if self._items else None
        if isinstance(last, _Piece) and last.kind == kind:
            return last
        piece = _Piece(kind)
        self._items.append(piece)
        return piece

    # -- reading --------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return "".join("".join(i.parts) for i in self._items if isinstance(i, _Piece) and i.kind == "text")

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [i for i in self._items if isinstance(i, ToolCall)]

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        for item in self._items:
            if isinstance(item, ToolCall):
                out.append(item)
            elif item.kind == "text":
                text = "".join(item.parts)
                if text:
                    out.append(TextBlock(text))
            elif item.kind == "thinking":
                text = "".join(item.parts)
                if text or item.signature or item.redacted:
                    out.append(
                        ThinkingBlock(text, self.kind, self.model, item.signature or None, item.redacted)
                    )
        return out

    def usage_event(self, *, partial: bool = False) -> UsageEvent:
        event: UsageEvent = {
            "type": "usage",
            "provider": self.provider,
            "model": self.model,
            "input_tokens": self.usage["input_tokens"],
            "output_tokens": self.usage["output_tokens"],
            "cache_read_tokens": self.usage["cache_read_tokens"],
            "cache_write_tokens": self.usage["cache_write_tokens"],
            "reasoning_tokens": self.usage["reasoning_tokens"],
        }
        if self.usage["cache_write_1h_tokens"]:
            event["cache_write_1h_tokens"] = self.usage["cache_write_1h_tokens"]
        if partial:
            event["partial"] = True
        return event
