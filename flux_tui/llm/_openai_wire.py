"""OpenAI Chat Completions: the request built from the transcript, and the chunk stream read back.

Request rules on top of ``_history.prepare_history``: ids at most 40 characters; each tool result is a
``tool`` message right after the assistant message holding its call; thinking is never sent (Chat
Completions has no way to take it back); reasoning models get ``max_completion_tokens`` and no custom
temperature.

Stream rules: tool calls arrive in fragments keyed by ``index``; a new non-null ``id`` at an index that
already holds a call starts a new call (some compatible servers reuse index 0). Arguments are parsed
once the reply says it is finished. ``refusal`` deltas are shown as text. The usage chunk has no choices.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flux_tui.core.events import ProviderEvent
from flux_tui.core.transcript import TextBlock, ToolCall, ToolResult
from flux_tui.llm._history import prepare_history, system_text
from flux_tui.llm._reply import Reply, parse_tool_input

MAX_ID_LEN = 40
_REASONING_MODEL = re.compile(r"(^|/)(o\d+|gpt-5)", re.IGNORECASE)
_ERROR_PREFIX = "Error: "


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING_MODEL.search(model))


def build_messages(messages_in: list[Any], system: list[str]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if system:
        messages.append({"role": "system", "content": "\n\n".join(system)})
    for turn in prepare_history(messages_in, max_id_len=MAX_ID_LEN):
        if turn.role == "assistant":
            text = "".join(b.text for b in turn.blocks if isinstance(b, TextBlock))
            calls = [
                {
                    "id": b.id,
                    "type": "function",
                    "function": {"name": b.name, "arguments": json.dumps(b.input)},
                }
                for b in turn.blocks
                if isinstance(b, ToolCall)
            ]
            if not text and not calls:
                continue  # only thinking: nothing Chat Completions can take
            message: dict[str, Any] = {"role": "assistant", "content": text or None}
            if calls:
                message["tool_calls"] = calls
            messages.append(message)
            continue
        for block in turn.blocks:
            if isinstance(block, ToolResult):
                content = block.content or "(no output)"
                if block.is_error and not content.startswith(_ERROR_PREFIX):
                    content = _ERROR_PREFIX + content
                messages.append({"role": "tool", "tool_call_id": block.tool_use_id, "content": content})
        text = "\n\n".join(b.text for b in turn.blocks if isinstance(b, TextBlock))
        if text:
            messages.append({"role": "user", "content": text})
    return messages


def convert_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Anthropic-format tool definitions (name, description, input_schema) as OpenAI functions."""
    out = []
    for tool in tools:
        function: dict[str, Any] = {
            "name": tool["name"],
            "parameters": tool.get("input_schema") or {"type": "object", "properties": {}},
        }
        if tool.get("description"):
            function["description"] = tool["description"]
        out.append({"type": "function", "function": function})
    return out


def build_request(
    messages_in: list[Any],
    *,
    model: str,
    max_tokens: int,
    temperature: float | None,
    system_prompt: str | None,
    file_context: str | None,
    tools: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """Keyword arguments for ``client.chat.completions.create`` (without ``stream``)."""
    request: dict[str, Any] = {
        "model": model,
        "messages": build_messages(messages_in, system_text(system_prompt, file_context)),
        "stream_options": {"include_usage": True},
    }
    if is_reasoning_model(model):
        request["max_completion_tokens"] = max_tokens
    else:
        request["max_tokens"] = max_tokens
        if temperature is not None:
            request["temperature"] = temperature
    if tools:
        request["tools"] = convert_tools(tools)
    return request


@dataclass
class _Call:
    id: str
    name: str
    parts: list[str] = field(default_factory=list)


def _extra(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    if value is None:
        value = (getattr(obj, "model_extra", None) or {}).get(name)
    return value


class ChatStream:
    """Feeds ``ChatCompletionChunk``s into a ``Reply``; returns the events to yield."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.open: dict[int, _Call] = {}  # index -> call still receiving arguments
        self.closed: list[_Call] = []  # replaced at their index: arguments complete
        self.finished = False
        reply.salvage = self.salvage

    @staticmethod
    def delta_only(chunk: Any) -> bool:
        """Feeding ``chunk`` can only add text or reasoning (``StreamingProvider`` joins those)."""
        if chunk.usage is not None or not chunk.choices:
            return False
        choice = chunk.choices[0]
        return not choice.finish_reason and (choice.delta is None or not choice.delta.tool_calls)

    def feed(self, chunk: Any) -> list[ProviderEvent]:
        reply = self.reply
        reply.started = True
        reply.served_model = chunk.model or reply.served_model
        out: list[ProviderEvent] = []
        if chunk.usage is not None:
            self._usage(chunk.usage)
        if not chunk.choices:
            return out
        choice = chunk.choices[0]
        delta = choice.delta
        if delta is not None:
            reasoning = _extra(delta, "reasoning_content") or _extra(delta, "reasoning")
            if isinstance(reasoning, str) and reasoning:
                reply.add_thinking(reasoning)  # compatible servers (DeepSeek, vLLM, Ollama)
                out.append({"type": "thinking", "content": reasoning})
            for text in (delta.content, getattr(delta, "refusal", None)):
                if text:
                    reply.add_text(text)
                    out.append({"type": "text", "content": text})
            if delta.tool_calls:
                self._tool_deltas(delta.tool_calls)
        if choice.finish_reason:
            reply.stop_reason = choice.finish_reason
            out.extend(self._finish_calls())
        return out

    def _tool_deltas(self, deltas: Any) -> None:
        for tc in deltas:
            index = tc.index if tc.index is not None else len(self.open)
            fn = tc.function
            current = self.open.get(index)
            if current is None or (tc.id and current.id and tc.id != current.id):
                if current is not None:
                    self.closed.append(current)
                current = _Call(tc.id or "", (fn.name if fn else None) or "")
                self.open[index] = current
            elif tc.id and not current.id:
                current.id = tc.id
            if fn is not None:
                if fn.name and not current.name:
                    current.name = fn.name
                if fn.arguments:
                    current.parts.append(fn.arguments)

    def _finish_calls(self) -> list[ProviderEvent]:
        calls = self.closed + [self.open[i] for i in sorted(self.open)]
        self.closed, self.open = [], {}
        self.finished = True
        return [
            self.reply.add_tool_call(c.id or f"call_{n}", c.name, "".join(c.parts))
            for n, c in enumerate(calls)
        ]

    def salvage(self) -> None:
        """On a broken stream keep only the calls known complete.

        A call is complete once a later one has started (the API streams calls one after another) and
        its arguments parse; the last call may have been cut anywhere, so it is dropped.
        """
        if self.finished:
            return
        indexes = sorted(self.open)
        candidates = self.closed + [self.open[i] for i in indexes[:-1]]
        for call in candidates:
            raw = "".join(call.parts)
            if call.id and parse_tool_input(raw)[1] is None:
                self.reply.add_tool_call(call.id, call.name, raw)
        self.closed, self.open = [], {}

    def _usage(self, usage: Any) -> None:
        prompt = usage.prompt_tokens or 0
        details = usage.prompt_tokens_details
        cached = (getattr(details, "cached_tokens", None) or 0) if details else 0
        written = (_extra(details, "cache_write_tokens") or 0) if details else 0
        completion_details = usage.completion_tokens_details
        reasoning = (completion_details.reasoning_tokens or 0) if completion_details else 0
        self.reply.set_usage(
            input_tokens=max(0, prompt - cached - written),
            output_tokens=usage.completion_tokens or 0,
            cache_read_tokens=cached,
            cache_write_tokens=written,
            reasoning_tokens=reasoning,
        )
