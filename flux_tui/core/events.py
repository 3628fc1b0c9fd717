"""Events a provider yields while it streams one model reply.

They are plain dicts (the plan's format) typed as TypedDicts so both the agent loop and tests can
read them without importing a provider.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class TextEvent(TypedDict):
    type: Literal["text"]
    content: str


class ThinkingEvent(TypedDict):
    type: Literal["thinking"]
    content: str


class ToolUseEvent(TypedDict):
    """Emitted once per tool call, when its arguments are complete and parsed.

    ``input_error`` is set (and ``input`` is ``{}``) when the model sent arguments that are not a JSON
    object: the agent returns that to the model as a tool error instead of running the tool.
    """

    type: Literal["tool_use"]
    id: str
    name: str
    input: dict[str, Any]
    input_error: NotRequired[str]


class UsageEvent(TypedDict):
    """Token usage of one model reply, normalised across providers.

    ``input_tokens`` excludes cache reads and writes (Anthropic's convention); the OpenAI provider
    subtracts ``cached_tokens`` from ``prompt_tokens`` to get it. A later usage event of the same reply
    replaces an earlier one (values are totals, never increments).
    """

    type: Literal["usage"]
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    # The part of ``cache_write_tokens`` written for an hour (Anthropic), priced at its own rate.
    cache_write_1h_tokens: NotRequired[int]
    # True for usage told before the reply is complete (Anthropic's ``message_start``): a later event
    # of the reply replaces it; if a retry's ``partial`` event comes first, the reply it belonged to
    # ended without an answer.
    partial: NotRequired[bool]


class DoneEvent(TypedDict):
    type: Literal["done"]
    stop_reason: str


class NoticeEvent(TypedDict):
    """Something the user should see that is not model output (retrying, a dropped block type...)."""

    type: Literal["notice"]
    content: str


ProviderEvent = TextEvent | ThinkingEvent | ToolUseEvent | UsageEvent | DoneEvent | NoticeEvent

# Normalised stop reasons carried by DoneEvent.
STOP_END_TURN = "end_turn"
STOP_TOOL_USE = "tool_use"
STOP_MAX_TOKENS = "max_tokens"
STOP_REFUSAL = "refusal"
STOP_OTHER = "other"
