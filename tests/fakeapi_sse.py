"""Real-format SSE bodies for the fake API server (``fakeapi.py``): Anthropic Messages and OpenAI Chat.

Everything here is pure: functions turn a description of a reply (text pieces, tool calls, usage) into
an iterator of ``(event_bytes, weight)`` pairs. ``weight`` is the number of "tokens" a content delta
carries (0 for framing events such as ``message_start``); the server uses it for pacing
(tokens per second) and for the fault options that count content deltas (cut/stall/error after N).
Generators are lazy, so a 20k-token stream costs nothing until it is sent.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

Event = tuple[bytes, int]
Pieces = list[tuple[str, int]]  # (text, weight)

_TOKEN_RE = re.compile(r"\s*\S+|\s+")


def tokenize(text: str | Sequence[str]) -> list[str]:
    """Split text into word-sized "tokens" (a sequence is taken as already split)."""
    if isinstance(text, str):
        return _TOKEN_RE.findall(text) or ([text] if text else [])
    return list(text)


def group(tokens: Sequence[str], chunk_tokens: int = 1) -> Pieces:
    """Join ``chunk_tokens`` tokens per delta; each piece weighs the number of tokens it holds."""
    size = max(1, chunk_tokens)
    return [("".join(tokens[i : i + size]), len(tokens[i : i + size])) for i in range(0, len(tokens), size)]


def fragments(text: str, size: int) -> list[str]:
    """Cut a string (tool-call JSON) into ``size``-character pieces, like the APIs do."""
    if size <= 0 or len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(0, len(text), size)]


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


# -- Anthropic Messages ---------------------------------------------------------------------------


def anthropic_event(kind: str, data: dict[str, Any]) -> bytes:
    """One SSE event with its ``event:`` line (the Anthropic SDK drops events without one)."""
    return b"event: " + kind.encode() + b"\ndata: " + _dumps(data) + b"\n\n"


def anthropic_error_event(error_type: str = "overloaded_error", message: str = "Overloaded") -> bytes:
    """The real mid-stream error payload (the API sends it, then closes the connection)."""
    body = {
        "type": "error",
        "error": {"details": None, "type": error_type, "message": message},
        "request_id": "req_fake_midstream",
    }
    return anthropic_event("error", body)


def anthropic_usage(
    input_tokens: int = 10, output_tokens: int = 1, cache_read: int = 0, cache_write: int = 0
) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": cache_write,
        "cache_read_input_tokens": cache_read,
        "output_tokens": output_tokens,
    }


def anthropic_stream(
    blocks: Sequence[dict[str, Any]],
    *,
    model: str,
    usage: dict[str, int],
    start_usage: dict[str, int] | None = None,
    stop_reason: str | None = "end_turn",
    message_id: str = "msg_fake0001",
    ping: bool = True,
) -> Iterator[Event]:
    """A whole Messages stream.

    ``blocks`` items: ``{"type": "text", "pieces": Pieces}``, ``{"type": "thinking", "pieces": Pieces,
    "signature": str}``, ``{"type": "redacted_thinking", "data": str}`` or ``{"type": "tool_use", "id",
    "name", "json_pieces": list[str]}``. ``usage`` goes into ``message_delta`` (totals that replace
    ``start_usage``, which defaults to the same counts with output_tokens 1).
    """
    start = dict(start_usage) if start_usage is not None else {**usage, "output_tokens": 1}
    message = {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": start,
    }
    yield anthropic_event("message_start", {"type": "message_start", "message": message}), 0
    for index, block in enumerate(blocks):
        yield from _anthropic_block(index, block)
        if index == 0 and ping:
            yield anthropic_event("ping", {"type": "ping"}), 0
    if not blocks and ping:
        yield anthropic_event("ping", {"type": "ping"}), 0
    delta = {"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None}}
    delta["usage"] = dict(usage)
    yield anthropic_event("message_delta", delta), 0
    yield anthropic_event("message_stop", {"type": "message_stop"}), 0


def _anthropic_block(index: int, block: dict[str, Any]) -> Iterator[Event]:
    kind = block["type"]

    def delta(payload: dict[str, Any]) -> bytes:
        return anthropic_event(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": payload}
        )

    if kind == "text":
        start: dict[str, Any] = {"type": "text", "text": ""}
    elif kind == "thinking":
        start = {"type": "thinking", "thinking": "", "signature": ""}
    elif kind == "redacted_thinking":
        start = {"type": "redacted_thinking", "data": block["data"]}
    else:
        start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
    yield (
        anthropic_event(
            "content_block_start", {"type": "content_block_start", "index": index, "content_block": start}
        ),
        0,
    )
    if kind == "text":
        for text, weight in block["pieces"]:
            yield delta({"type": "text_delta", "text": text}), weight
    elif kind == "thinking":
        for text, weight in block["pieces"]:
            yield delta({"type": "thinking_delta", "thinking": text}), weight
        yield delta({"type": "signature_delta", "signature": block.get("signature", "")}), 0
    elif kind == "tool_use":
        for piece in block["json_pieces"]:
            yield delta({"type": "input_json_delta", "partial_json": piece}), 1
    yield anthropic_event("content_block_stop", {"type": "content_block_stop", "index": index}), 0


def anthropic_message_json(text: str, *, model: str, usage: dict[str, int]) -> bytes:
    """A non-streaming Messages response (echo mode answers ``stream: false`` requests with it)."""
    return _dumps(
        {
            "id": "msg_fake0001",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": usage,
        }
    )


# -- OpenAI Chat Completions ----------------------------------------------------------------------

OPENAI_DONE = b"data: [DONE]\n\n"


def openai_data(data: dict[str, Any]) -> bytes:
    return b"data: " + _dumps(data) + b"\n\n"


def openai_error_data(message: str = "The server had an error while processing your request.") -> bytes:
    """A mid-stream error as OpenAI sends it: a data line holding ``{"error": {...}}``."""
    return openai_data({"error": {"message": message, "type": "server_error", "param": None, "code": None}})


def openai_usage(
    prompt_tokens: int = 10, completion_tokens: int = 1, cached_tokens: int = 0, reasoning_tokens: int = 0
) -> dict[str, Any]:
    """The real usage object; ``prompt_tokens`` INCLUDES ``cached_tokens`` (OpenAI's convention)."""
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning_tokens, "audio_tokens": 0},
    }


def openai_stream(
    *,
    model: str,
    usage: dict[str, Any] | None,
    text_pieces: Pieces = (),  # type: ignore[assignment]
    refusal_pieces: Pieces = (),  # type: ignore[assignment]
    calls: Sequence[tuple[str, str, list[str]]] = (),
    finish_reason: str | None = "stop",
    interleave: bool = False,
    completion_id: str = "chatcmpl-fake0001",
    done: bool = True,
) -> Iterator[Event]:
    """A whole Chat Completions stream: role chunk, content/refusal pieces, tool calls, finish, usage.

    ``calls`` are ``(id, name, argument_pieces)``; with ``interleave`` the argument pieces of parallel
    calls alternate (tell them apart by ``index`` only). ``usage`` None leaves the usage chunk out (the
    API sends it only when the request asked for ``stream_options.include_usage``).
    """
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return openai_data(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
        )

    first: dict[str, Any] = {"role": "assistant", "content": "" if text_pieces else None}
    if refusal_pieces:
        first["refusal"] = ""
    yield chunk(first), 0
    for text, weight in text_pieces:
        yield chunk({"content": text}), weight
    for text, weight in refusal_pieces:
        yield chunk({"refusal": text}), weight
    yield from _openai_calls(chunk, calls, interleave)
    if finish_reason is not None:
        yield chunk({}, finish_reason), 0
    if usage is not None:
        yield (
            openai_data(
                {
                    "id": completion_id,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "system_fingerprint": "fp_fake",
                    "choices": [],
                    "usage": usage,
                }
            ),
            0,
        )
    if done:
        yield OPENAI_DONE, 0


def _openai_calls(
    chunk: Any, calls: Sequence[tuple[str, str, list[str]]], interleave: bool
) -> Iterator[Event]:
    def header(index: int, call_id: str, name: str) -> bytes:
        fn = {"name": name, "arguments": ""}
        return chunk({"tool_calls": [{"index": index, "id": call_id, "type": "function", "function": fn}]})

    def piece(index: int, text: str) -> bytes:
        return chunk({"tool_calls": [{"index": index, "function": {"arguments": text}}]})

    if not interleave:
        for index, (call_id, name, pieces) in enumerate(calls):
            yield header(index, call_id, name), 0
            for text in pieces:
                yield piece(index, text), 1
        return
    for index, (call_id, name, _pieces) in enumerate(calls):
        yield header(index, call_id, name), 0
    longest = max((len(p) for _i, _n, p in calls), default=0)
    for step in range(longest):
        for index, (_id, _name, pieces) in enumerate(calls):
            if step < len(pieces):
                yield piece(index, pieces[step]), 1


def openai_completion_json(text: str, *, model: str, usage: dict[str, Any]) -> bytes:
    """A non-streaming chat completion (echo mode answers ``stream: false`` requests with it)."""
    return _dumps(
        {
            "id": "chatcmpl-fake0001",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
        }
    )


# -- errors and model lists -----------------------------------------------------------------------

_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_OPENAI_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}


def anthropic_error_body(status: int, message: str) -> dict[str, Any]:
    kind = _ANTHROPIC_ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake_error"}


def openai_error_body(status: int, message: str) -> dict[str, Any]:
    kind, code = _OPENAI_ERROR_TYPES.get(status, ("server_error", None))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def anthropic_models_body(models: Iterable[str]) -> dict[str, Any]:
    data = [
        {"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"} for m in models
    ]
    return {
        "data": data,
        "has_more": False,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }


def openai_models_body(models: Iterable[str]) -> dict[str, Any]:
    data = [{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "fake"} for m in models]
    return {"object": "list", "data": data}
