"""Gemini ``generateContent``: the request built from the transcript, and the streamed chunks read back.

The request is the API's own JSON (camelCase), so what the server sent comes back byte for byte: a
``thoughtSignature`` on a function-call part is kept as an empty thinking block (tagged ``gemini`` and
the model) just before the call, and sent back unchanged on that call's part; the API rejects the
next request without it (Gemini 3). A call from elsewhere (another provider, another model) gets the
documented placeholder on Gemini 3 models instead. Thought summaries (``"thought": true`` parts) are
shown, never sent back. Gemini sends each call whole, possibly several in one chunk, without ids on
older models: ids are made up then.
"""

from __future__ import annotations

import uuid
from typing import Any

from flux_tui.core.events import ProviderEvent
from flux_tui.core.transcript import Message, TextBlock, ThinkingBlock, ToolCall, ToolResult
from flux_tui.llm._history import WireTurn, prepare_history, system_text
from flux_tui.llm._reply import Reply

KIND = "gemini"
_CONTINUE_TEXT = "(earlier conversation omitted)"
_GO_ON_TEXT = "Continue."
# Accepted by Gemini 3 in place of a signature for calls it did not make (its documentation's value).
PLACEHOLDER_SIGNATURE = "skip_thought_signature_validator"
MAX_ID_LEN = 64

_FINISH = {
    "STOP": "end_turn",
    "MAX_TOKENS": "max_tokens",
    "SAFETY": "refusal",
    "RECITATION": "refusal",
    "BLOCKLIST": "refusal",
    "PROHIBITED_CONTENT": "refusal",
    "SPII": "refusal",
    "IMAGE_SAFETY": "refusal",
}


def _needs_placeholder(model: str) -> bool:
    return "gemini-3" in model


def _model_parts(turn: WireTurn, model: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    signature: str | None = None
    first_call = True
    for block in turn.blocks:
        if isinstance(block, ThinkingBlock):
            if block.provider == KIND and block.model == model and block.signature:
                signature = block.signature
        elif isinstance(block, TextBlock):
            parts.append({"text": block.text})
        elif isinstance(block, ToolCall):
            part: dict[str, Any] = {"functionCall": {"name": block.name, "args": block.input, "id": block.id}}
            if signature is not None:
                part["thoughtSignature"] = signature
            elif first_call and _needs_placeholder(model):
                part["thoughtSignature"] = PLACEHOLDER_SIGNATURE
            signature = None
            first_call = False
            parts.append(part)
    return parts


def _user_parts(turn: WireTurn, names: dict[str, str]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for block in turn.blocks:
        if isinstance(block, ToolResult):
            key = "error" if block.is_error else "result"
            response = {
                "id": block.tool_use_id,
                "name": names.get(block.tool_use_id, "tool"),
                "response": {key: block.content or "(no output)"},
            }
            parts.append({"functionResponse": response})
        elif isinstance(block, TextBlock):
            parts.append({"text": block.text})
    return parts


def convert_turns(turns: list[WireTurn], model: str) -> list[dict[str, Any]]:
    """The turns' contents, before ``finish_contents`` (``_wire_cache`` keeps them per segment: they
    are shared between requests and never changed after this)."""
    contents: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for turn in turns:
        if turn.role == "assistant":
            names.update({b.id: b.name for b in turn.blocks if isinstance(b, ToolCall)})
            parts = _model_parts(turn, model)
            role = "model"
        else:
            parts = _user_parts(turn, names)
            role = "user"
        if not parts:
            continue
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": role, "parts": parts})
    return contents


def finish_contents(converted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request's contents: a user turn first and last (``converted`` itself is not changed)."""
    contents = list(converted)
    if contents and contents[0]["role"] != "user":
        contents.insert(0, {"role": "user", "parts": [{"text": _CONTINUE_TEXT}]})
    if contents and contents[-1]["role"] == "model":
        contents.append({"role": "user", "parts": [{"text": _GO_ON_TEXT}]})  # no prefill in Gemini
    return contents


def build_request(
    messages: list[Message],
    *,
    model: str,
    max_tokens: int,
    temperature: float | None,
    system_prompt: str | None,
    file_context: str | None,
    tools: list[dict[str, Any]] | None,
    thinking_budget: int | None,
    include_thoughts: bool,
    converted: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON body of ``models/MODEL:streamGenerateContent``. ``converted``: the messages'
    ``convert_turns``, already built (``_wire_cache``)."""
    if converted is None:
        converted = convert_turns(prepare_history(messages, max_id_len=MAX_ID_LEN), model)
    request: dict[str, Any] = {"contents": finish_contents(converted)}
    parts = system_text(system_prompt, file_context)
    if parts:
        request["systemInstruction"] = {"parts": [{"text": part} for part in parts]}
    if tools:
        declarations = [
            {
                "name": tool["name"],
                "description": tool.get("description", ""),
                "parametersJsonSchema": tool.get("input_schema") or {"type": "object"},
            }
            for tool in tools
        ]
        request["tools"] = [{"functionDeclarations": declarations}]
    config: dict[str, Any] = {"maxOutputTokens": max_tokens}
    if temperature is not None:
        config["temperature"] = temperature
    thinking: dict[str, Any] = {}
    if include_thoughts:
        thinking["includeThoughts"] = True
    if thinking_budget:
        thinking["thinkingBudget"] = thinking_budget
    if thinking:
        config["thinkingConfig"] = thinking
    request["generationConfig"] = config
    return request


class GeminiStream:
    """Feeds ``streamGenerateContent`` chunks (the JSON of each) into a ``Reply``."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.finish: str | None = None

    @staticmethod
    def feed_delta(chunk: dict[str, Any]) -> None:
        return None  # a chunk can carry text, calls and usage together: ``feed`` reads it whole

    def feed(self, chunk: dict[str, Any]) -> list[ProviderEvent]:
        reply = self.reply
        reply.started = True
        reply.served_model = chunk.get("modelVersion") or reply.served_model
        events: list[ProviderEvent] = []
        candidates = chunk.get("candidates") or []
        candidate = candidates[0] if candidates else {}
        for part in (candidate.get("content") or {}).get("parts") or []:
            events.extend(self._part(part))
        usage = chunk.get("usageMetadata")
        if usage:
            self._usage(usage)
        finish = candidate.get("finishReason")
        blocked = (chunk.get("promptFeedback") or {}).get("blockReason")
        if finish or blocked:
            self.finish = finish or "SAFETY"
            reason = _FINISH.get(self.finish, self.finish.lower())
            if reason == "end_turn" and reply.tool_calls:
                reason = "tool_use"
            reply.stop_reason = reason
            if blocked:
                notice = f"{reply.provider} blocked the prompt ({blocked})"
                events.append({"type": "notice", "content": notice})
        return events

    def _part(self, part: dict[str, Any]) -> list[ProviderEvent]:
        reply = self.reply
        call = part.get("functionCall")
        if call is not None:
            signature = part.get("thoughtSignature")
            if signature:
                reply.start_thinking()
                reply.set_signature(signature)
            call_id = call.get("id") or f"call_{uuid.uuid4().hex[:12]}"
            return [reply.add_tool_call(call_id, call.get("name") or "", _dump(call.get("args") or {}))]
        text = part.get("text")
        if not text:
            return []
        if part.get("thought"):
            reply.add_thinking(text)
            return [{"type": "thinking", "content": text}]
        reply.add_text(text)
        return [{"type": "text", "content": text}]

    def _usage(self, usage: dict[str, Any]) -> None:
        prompt = int(usage.get("promptTokenCount") or 0) + int(usage.get("toolUsePromptTokenCount") or 0)
        cached = int(usage.get("cachedContentTokenCount") or 0)
        thoughts = int(usage.get("thoughtsTokenCount") or 0)
        self.reply.set_usage(
            input_tokens=max(prompt - cached, 0),  # flux counts input without cache reads
            cache_read_tokens=cached,
            output_tokens=int(usage.get("candidatesTokenCount") or 0) + thoughts,
            reasoning_tokens=thoughts,
        )


def _dump(value: Any) -> str:
    import json

    return json.dumps(value)
