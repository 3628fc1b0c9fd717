"""Anthropic Messages: the request built from the transcript, and the stream of events read back.

Request rules on top of ``_history.prepare_history``: the first message is a user message; thinking
blocks (with their signature, verbatim) go back only to the same provider kind and model; prompt caching
puts ``cache_control`` on the system prompt, the last tool and the last two user messages (4 breakpoints
at most, the API's limit), which keeps the stable prefix cached while a turn grows.
"""

from __future__ import annotations

from typing import Any

from flux_tui.core.events import ProviderEvent
from flux_tui.core.transcript import Block, TextBlock, ThinkingBlock, ToolCall, ToolResult
from flux_tui.llm._history import WireTurn, prepare_history, system_text
from flux_tui.llm._reply import Reply

KIND = "anthropic"
CACHE = {"type": "ephemeral"}
_CONTINUE_TEXT = "(earlier conversation omitted)"
MIN_THINKING_BUDGET = 1024
MAX_ID_LEN = 64


def _thinking_allowed(block: ThinkingBlock, model: str) -> bool:
    return block.provider == KIND and block.model == model and bool(block.signature or block.redacted_data)


def _block(block: Block, model: str) -> dict[str, Any] | None:
    if isinstance(block, TextBlock):
        return {"type": "text", "text": block.text}
    if isinstance(block, ToolCall):
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    if isinstance(block, ToolResult):
        result: dict[str, Any] = {
            "type": "tool_result",
            "tool_use_id": block.tool_use_id,
            "content": block.content or "(no output)",
        }
        if block.is_error:
            result["is_error"] = True
        return result
    if isinstance(block, ThinkingBlock) and _thinking_allowed(block, model):
        if block.redacted_data:
            return {"type": "redacted_thinking", "data": block.redacted_data}
        return {"type": "thinking", "thinking": block.text, "signature": block.signature}
    return None  # thinking from another provider or model: never sent


def convert_turns(turns: list[WireTurn], model: str) -> list[dict[str, Any]]:
    """The turns' messages, before ``finish_messages`` (``_wire_cache`` keeps them per segment: they
    are shared between requests and never changed after this)."""
    messages: list[dict[str, Any]] = []
    for turn in turns:
        content = [b for b in (_block(block, model) for block in turn.blocks) if b is not None]
        if not content:
            continue
        if messages and messages[-1]["role"] == turn.role:  # a turn emptied by dropped thinking
            messages[-1]["content"].extend(content)
        else:
            messages.append({"role": turn.role, "content": content})
    return messages


def finish_messages(converted: list[dict[str, Any]], *, prompt_caching: bool = False) -> list[dict[str, Any]]:
    """The request's messages: a user message first, no trailing whitespace in a prefill, and the cache
    breakpoints. The messages changed are copied: ``converted``'s may be shared (``convert_turns``)."""
    messages = list(converted)
    if messages and messages[0]["role"] != "user":
        messages.insert(0, {"role": "user", "content": [{"type": "text", "text": _CONTINUE_TEXT}]})
    if messages and messages[-1]["role"] == "assistant":
        # A trailing assistant message is a prefill: the API rejects trailing whitespace there.
        last = messages[-1]["content"][-1]
        if last["type"] == "text":
            _set_last(messages, -1, text=last["text"].rstrip() or "…")
    if prompt_caching:
        marked = 0
        for index in range(len(messages) - 1, -1, -1):
            if messages[index]["role"] == "user" and marked < 2:
                _set_last(messages, index, cache_control=CACHE)
                marked += 1
    return messages


def _set_last(messages: list[dict[str, Any]], index: int, **fields: Any) -> None:
    """``fields`` set on a copy of the last block of ``messages[index]``, in a copy of that message."""
    message = messages[index]
    content = list(message["content"])
    content[-1] = {**content[-1], **fields}
    messages[index] = {**message, "content": content}


def _needs_thinking_off(messages: list[dict[str, Any]]) -> bool:
    """With thinking on, an assistant tool_use turn being continued must start with a thinking block.

    After a provider switch mid-turn (or a dropped signature) that block is missing; asking without
    thinking for that request is valid, asking with it is not.
    """
    if messages and messages[-1]["role"] == "assistant":
        return True  # prefill is not allowed with thinking
    for message in reversed(messages):
        if message["role"] != "assistant":
            continue
        has_tool = any(b["type"] == "tool_use" for b in message["content"])
        starts_thinking = message["content"][0]["type"] in ("thinking", "redacted_thinking")
        return has_tool and not starts_thinking
    return False


def build_request(
    messages_in: list[Any],
    *,
    model: str,
    max_tokens: int,
    temperature: float | None,
    system_prompt: str | None,
    file_context: str | None,
    tools: list[dict[str, Any]] | None,
    prompt_caching: bool,
    thinking_budget: int | None = None,
    converted: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``client.messages.create`` (without ``stream``). ``converted``: the
    messages' ``convert_turns``, already built (``_wire_cache``)."""
    if converted is None:
        converted = convert_turns(prepare_history(messages_in, max_id_len=MAX_ID_LEN), model)
    messages = finish_messages(converted, prompt_caching=prompt_caching)
    request: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": messages}
    parts = system_text(system_prompt, file_context)
    if parts:
        system = [{"type": "text", "text": part} for part in parts]
        if prompt_caching:
            system[0]["cache_control"] = CACHE
        request["system"] = system
    if tools:
        wire_tools = [dict(tool) for tool in tools]
        if prompt_caching:
            wire_tools[-1]["cache_control"] = CACHE
        request["tools"] = wire_tools
    budget = min(thinking_budget or 0, max_tokens - 1)
    if budget >= MIN_THINKING_BUDGET and not _needs_thinking_off(messages):
        request["thinking"] = {"type": "enabled", "budget_tokens": budget}
    elif temperature is not None:
        # SDK 1.x dropped sampling arguments from its signature; the API still takes them (older models).
        request["extra_body"] = {"temperature": temperature}
    return request


class MessagesStream:
    """Feeds Messages API stream events (the JSON of each, see ``_sse``) into a ``Reply``; returns the
    events to yield."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.blocks: dict[int, dict[str, Any]] = {}
        self.dropped: set[str] = set()

    @staticmethod
    def feed_delta(event: dict[str, Any]) -> tuple[str, str] | None:
        """For a text or thinking delta, ``("text" | "thinking", its text)``, which the caller adds to the
        reply with the rest of its run (``StreamingProvider._events``); None for any other event."""
        if event.get("type") != "content_block_delta":
            return None
        delta = event.get("delta") or {}
        dtype = delta.get("type")
        if dtype == "text_delta":
            return "text", delta.get("text") or ""
        if dtype == "thinking_delta":
            return "thinking", delta.get("thinking") or ""
        return None

    def feed(self, event: dict[str, Any]) -> list[ProviderEvent]:
        kind = event.get("type")
        reply = self.reply
        if kind == "content_block_delta":
            return self._delta(event.get("index", 0), event.get("delta") or {})
        if kind == "content_block_start":
            return self._start(event.get("index", 0), event.get("content_block") or {})
        if kind == "content_block_stop":
            return self._stop(event.get("index", 0))
        if kind == "message_start":
            reply.started = True
            message = event.get("message") or {}
            reply.served_model = message.get("model") or reply.served_model
            self._usage(message.get("usage"))
            return [reply.usage_event(partial=True)]
        if kind == "message_delta":
            reply.stop_reason = (event.get("delta") or {}).get("stop_reason") or reply.stop_reason
            self._usage(event.get("usage"))
        return []  # message_stop and unknown events

    def _start(self, index: int, block: dict[str, Any]) -> list[ProviderEvent]:
        btype = block.get("type")
        reply = self.reply
        if btype == "text":
            reply.end_block()
            text = block.get("text")
            if text:
                reply.add_text(text)
                return [{"type": "text", "content": text}]
        elif btype == "thinking":
            reply.start_thinking()
        elif btype == "redacted_thinking":
            reply.start_thinking(redacted=block.get("data"))
        elif btype == "tool_use":
            self.blocks[index] = {
                "id": block.get("id") or "",
                "name": block.get("name") or "",
                "json": [],
                "input": block.get("input"),
            }
        elif btype not in self.dropped:
            # Server-side tool blocks, compaction...: they run on Anthropic's side and have no
            # provider-neutral form, so they are not kept.
            self.dropped.add(str(btype))
            return [{"type": "notice", "content": f"{reply.provider}: skipped a '{btype}' block"}]
        return []

    def _delta(self, index: int, delta: dict[str, Any]) -> list[ProviderEvent]:
        dtype = delta.get("type")
        if dtype == "text_delta":
            text = delta.get("text")
            if not text:
                return []
            self.reply.add_text(text)
            return [{"type": "text", "content": text}]
        if dtype == "input_json_delta":
            block = self.blocks.get(index)
            if block is not None:
                block["json"].append(delta.get("partial_json") or "")
        elif dtype == "thinking_delta":
            thinking = delta.get("thinking")
            if thinking:
                self.reply.add_thinking(thinking)
                return [{"type": "thinking", "content": thinking}]
        elif dtype == "signature_delta":
            self.reply.set_signature(delta.get("signature") or "")
        return []

    def _stop(self, index: int) -> list[ProviderEvent]:
        block = self.blocks.pop(index, None)
        if block is None:
            return []
        raw = "".join(block["json"])
        if not raw.strip() and block["input"]:
            raw = _dump(block["input"])  # input given whole in content_block_start (some gateways)
        return [self.reply.add_tool_call(block["id"], block["name"], raw)]

    def _usage(self, usage: dict[str, Any] | None) -> None:
        if not usage:
            return
        iterations = usage.get("iterations")
        if iterations:
            # Compaction: top-level counts cover only the last iteration; billing is the sum.
            self.reply.set_usage(
                input_tokens=sum(i.get("input_tokens") or 0 for i in iterations),
                output_tokens=sum(i.get("output_tokens") or 0 for i in iterations),
                cache_read_tokens=sum(i.get("cache_read_input_tokens") or 0 for i in iterations),
                cache_write_tokens=sum(i.get("cache_creation_input_tokens") or 0 for i in iterations),
            )
            return
        details = usage.get("output_tokens_details") or {}
        breakdown = usage.get("cache_creation")
        self.reply.set_usage(
            cache_write_1h_tokens=(
                breakdown.get("ephemeral_1h_input_tokens") or 0 if isinstance(breakdown, dict) else None
            ),
            input_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"),
            cache_read_tokens=usage.get("cache_read_input_tokens"),
            cache_write_tokens=usage.get("cache_creation_input_tokens"),
            reasoning_tokens=details.get("thinking_tokens"),
        )


def _dump(value: Any) -> str:
    import json

    return json.dumps(value)
