"""The Gemini API's wire for the fake server (``fakeapi.py``): ``streamGenerateContent`` and ``models``.

Streams are written as the real API sends them with ``alt=sse``: one ``data: {...}`` line per chunk,
each chunk a whole ``GenerateContentResponse`` (``candidates[0].content.parts``, ``role: "model"``,
``usageMetadata``, ``modelVersion``, ``responseId``), events separated by a blank line (CRLF), the last
chunk carrying ``finishReason``. Function calls arrive whole (several may share a chunk); a
``thoughtSignature`` rides on the call's part. Errors are the Google JSON error
(``{"error": {"code", "message", "status", "details"}}``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import fakeapi_sse as sse
from fakeapi_http import RecordedRequest, Scripted, StreamOptions, input_estimate

STREAM_QUEUE = "/v1/gemini:streamGenerateContent"  # every model's stream requests share one queue
GEMINI_MODELS = ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-pro-preview"]
_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def is_gemini(req: RecordedRequest) -> bool:
    """A request of the google-genai SDK (it sends its key as ``x-goog-api-key``)."""
    return ":streamGenerateContent" in req.path or "x-goog-api-key" in req.headers


def queue_key(path: str) -> str:
    return STREAM_QUEUE if path.endswith(":streamGenerateContent") else path


def model_of(req: RecordedRequest) -> str:
    name = req.path.rsplit("/", 1)[-1]
    return name.split(":", 1)[0]


def usage(prompt: int = 10, candidates: int = 1, *, cached: int = 0, thoughts: int = 0) -> dict[str, Any]:
    """The real ``usageMetadata``; ``promptTokenCount`` INCLUDES ``cachedContentTokenCount``."""
    data: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }
    if cached:
        data["cachedContentTokenCount"] = cached
    if thoughts:
        data["thoughtsTokenCount"] = thoughts
    return data


def _chunk(parts: list[dict[str, Any]], model: str, meta: dict[str, Any], finish: str | None) -> bytes:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    body = {"candidates": [candidate], "usageMetadata": meta, "modelVersion": model, "responseId": "fake-r1"}
    return b"data: " + sse._dumps(body) + b"\r\n\r\n"


def stream(
    *,
    model: str,
    thinking: list[str],
    text: list[str],
    calls: list[dict[str, Any]],
    meta: dict[str, Any],
    finish: str | None,
    error: dict[str, Any] | None,
) -> Iterator[sse.Event]:
    prompt_only = {"promptTokenCount": meta["promptTokenCount"], "totalTokenCount": meta["promptTokenCount"]}
    for piece in thinking:
        yield _chunk([{"text": piece, "thought": True}], model, prompt_only, None), 1
    for piece in text:
        yield _chunk([{"text": piece}], model, prompt_only, None), 1
    if error is not None:
        yield b"data: " + sse._dumps({"error": error}) + b"\r\n\r\n", 1
        return
    parts: list[dict[str, Any]] = []
    for call in calls:
        part: dict[str, Any] = {"functionCall": {"name": call["name"], "args": call["args"]}}
        if call.get("id"):
            part["functionCall"]["id"] = call["id"]
        if call.get("signature"):
            part["thoughtSignature"] = call["signature"]
        parts.append(part)
    yield _chunk(parts or [{"text": ""}], model, meta, finish), 1 if parts else 0


def item(
    text: str | list[str] = "",
    *,
    thinking: str | None = None,
    calls: list[dict[str, Any]] | None = None,
    usage_meta: dict[str, Any] | None = None,
    model: str | None = None,
    finish: str | None = "STOP",
    error: dict[str, Any] | None = None,
    **options: Any,
) -> Scripted:
    """A streamed answer: thought pieces, text pieces, then the calls (each ``{"name", "args", "id"?,
    "signature"?}``) in the last chunk with ``finishReason``; ``error`` (a Google error object) is sent
    as a chunk after the text instead of the end."""
    text_pieces = [t for t, _w in sse.group(sse.tokenize(text))] if text else []
    thought_pieces = [t for t, _w in sse.group(sse.tokenize(thinking))] if thinking else []

    def events(req: RecordedRequest) -> Iterator[sse.Event]:
        meta = usage_meta or usage(input_estimate(req), max(1, len(text_pieces) + len(calls or [])))
        return stream(
            model=model or model_of(req),
            thinking=thought_pieces,
            text=text_pieces,
            calls=list(calls or []),
            meta=meta,
            finish=finish,
            error=error,
        )

    return Scripted(events=events, options=StreamOptions(**options))


def error_body(status: int, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "message": message, "status": _STATUS.get(status, "UNKNOWN")}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_item(status: int, message: str, details: list[dict[str, Any]] | None = None) -> Scripted:
    body = json.dumps(error_body(status, message, details)).encode()
    return Scripted(status, {}, "application/json; charset=UTF-8", body=body)


def models_item(models: list[str], input_limit: int = 1048576) -> Scripted:
    entries = [
        {
            "name": f"models/{name}",
            "version": "001",
            "displayName": name,
            "inputTokenLimit": input_limit,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }
        for name in models
    ]
    entries.append({"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]})
    body = json.dumps({"models": entries}).encode()
    return Scripted(200, {}, "application/json; charset=UTF-8", body=body)


def last_user_text(req: RecordedRequest) -> str:
    body = req.body if isinstance(req.body, dict) else {}
    for content in reversed(body.get("contents") or []):
        texts = [p["text"] for p in content.get("parts") or [] if "text" in p]
        if content.get("role") == "user" and texts:
            return "".join(texts)
    return ""


def answer(
    req: RecordedRequest, models: list[str], echo: bool, tps: float | None, input_limit: int = 1048576
) -> Scripted | None:
    """What the server answers a Gemini request with nothing queued: the model list, or an echo."""
    if req.method == "GET" and req.path.endswith("/models"):
        return models_item(models, input_limit)
    if echo and req.path.endswith(":streamGenerateContent"):
        return item("echo: " + (last_user_text(req) or "(nothing)"), tokens_per_second=tps)
    return None
