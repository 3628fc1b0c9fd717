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
from flux_tui.llm._history import WireTurn, prepare_history, system_text
from flux_tui.llm._reply import Reply, parse_tool_input

MAX_ID_LEN = 40
_REASONING_MODEL = re.compile(r"(^|/)(o\d+|gpt-5)", re.IGNORECASE)
_ERROR_PREFIX = "Error: "


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING_MODEL.search(model))


def convert_turns(turns: list[WireTurn], model: str) -> list[dict[str, Any]]:
    """The turns' messages (``_wire_cache`` keeps them per segment: they are shared between requests
    and never changed after this)."""
    messages: list[dict[str, Any]] = []
    for turn in turns:
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
    converted: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``client.chat.completions.create`` (without ``stream``). ``converted``:
    the messages' ``convert_turns``, already built (``_wire_cache``)."""
    if converted is None:
        converted = convert_turns(prepare_history(messages_in, max_id_len=MAX_ID_LEN), model)
    system = system_text(system_prompt, file_context)
    head = [{"role": "system", "content": "\n\n".join(system)}] if system else []
    request: dict[str, Any] = {
        "model": model,
        "messages": head + converted,
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


class ChatStream:
    """Feeds Chat Completions chunks (the JSON of each, see ``_sse``) into a ``Reply``; returns the
    events to yield."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.open: dict[int, _Call] = {}  # index -> call still receiving arguments
        self.closed: list[_Call] = []  # replaced at their index: arguments complete
        self.finished = False
        reply.salvage = self.salvage

    def feed_delta(self, chunk: dict[str, Any]) -> tuple[str, str] | None:
        """For a chunk that carries nothing but answer text, ``("text", its text)``, which the caller adds
        to the reply with the rest of its run (``StreamingProvider._events``), the chunk's model noted;
        None (nothing fed) for any other chunk."""
        choices = chunk.get("choices")
        if not choices or chunk.get("usage") is not None:
            return None
        choice = choices[0]
        delta = choice.get("delta") or {}
        if choice.get("finish_reason") or any(
            delta.get(key) for key in ("tool_calls", "refusal", "reasoning_content", "reasoning")
        ):
            return None
        reply = self.reply
        reply.started = True
        reply.served_model = chunk.get("model") or reply.served_model
        return "text", delta.get("content") or ""

    def feed(self, chunk: dict[str, Any]) -> list[ProviderEvent]:
        reply = self.reply
        reply.started = True
        reply.served_model = chunk.get("model") or reply.served_model
        out: list[ProviderEvent] = []
        usage = chunk.get("usage")
        if usage is not None:
            self._usage(usage)
        choices = chunk.get("choices")
        if not choices:
            return out
        choice = choices[0]
        delta = choice.get("delta")
        if delta:
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if isinstance(reasoning, str) and reasoning:
                reply.add_thinking(reasoning)  # compatible servers (DeepSeek, vLLM, Ollama)
                out.append({"type": "thinking", "content": reasoning})
            for text in (delta.get("content"), delta.get("refusal")):
                if text:
                    reply.add_text(text)
                    out.append({"type": "text", "content": text})
            if delta.get("tool_calls"):
                self._tool_deltas(delta["tool_calls"])
        if choice.get("finish_reason"):
            reply.stop_reason = choice["finish_reason"]
            out.extend(self._finish_calls())
        return out

    def _tool_deltas(self, deltas: list[dict[str, Any]]) -> None:
        for tc in deltas:
            index = tc.get("index")
            if index is None:
                index = len(self.open)
            call_id = tc.get("id")
            fn = tc.get("function") or {}
            current = self.open.get(index)
            if current is None or (call_id and current.id and call_id != current.id):
                if current is not None:
                    self.closed.append(current)
                current = _Call(call_id or "", fn.get("name") or "")
                self.open[index] = current
            elif call_id and not current.id:
                current.id = call_id
            if fn.get("name") and not current.name:
                current.name = fn["name"]
            if fn.get("arguments"):
                current.parts.append(fn["arguments"])

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

    def _usage(self, usage: dict[str, Any]) -> None:
        prompt = usage.get("prompt_tokens") or 0
        details = usage.get("prompt_tokens_details") or {}
        cached = details.get("cached_tokens") or 0
        written = details.get("cache_write_tokens") or 0
        reasoning = (usage.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0
        self.reply.set_usage(
            input_tokens=max(0, prompt - cached - written),
            output_tokens=usage.get("completion_tokens") or 0,
            cache_read_tokens=cached,
            cache_write_tokens=written,
            reasoning_tokens=reasoning,
        )
