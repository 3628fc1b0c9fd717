"""HTTP side of the fake API (``fakeapi.py``): request records, scripted responses, the handler.

The handler writes SSE bodies with chunked transfer encoding, applying ``StreamOptions`` (pacing, byte
splitting, cut/stall/error faults) as it goes; writes are coalesced when nothing is paced, so a 20k-token
firehose costs a few large writes rather than 20k small ones.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import fakeapi_sse as sse
import orjson

SSE_TYPE = "text/event-stream; charset=utf-8"
ALIASES = {"anthropic": "/v1/messages", "openai": "/v1/chat/completions"}


@dataclass(slots=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes


@dataclass(slots=True)
class StreamOptions:
    delay: float = 0.0
    tokens_per_second: float | None = None
    split_bytes: int | None = None
    cut_after: int | None = None
    end_after: int | None = None
    error_after: int | None = None
    error_type: str = "overloaded_error"
    error_message: str = "Overloaded"
    stall_after: int | None = None
    stall_seconds: float = 3600.0
    first_byte_delay: float = 0.0


EventSource = Callable[[RecordedRequest], Iterable[sse.Event]]


@dataclass(slots=True)
class Scripted:
    """One queued response: a fixed body, or events generated (lazily) from the request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = SSE_TYPE
    body: bytes | None = None
    events: EventSource | None = None
    options: StreamOptions = field(default_factory=StreamOptions)


def normalise(endpoint: str) -> str:
    path = ALIASES.get(endpoint, endpoint).split("?", 1)[0].rstrip("/")
    return path if path.startswith("/v1/") else "/v1" + path


def is_openai_path(path: str) -> bool:
    return path.endswith(("/chat/completions", "/responses"))


def anthropic_item(
    blocks: list[dict[str, Any]],
    usage: dict[str, int] | None,
    start_usage: dict[str, int] | None,
    model: str | None,
    stop_reason: str | None,
    stream: dict[str, Any],
) -> Scripted:
    out = sum(w for b in blocks for _t, w in b.get("pieces", ())) + sum(
        len(b.get("json_pieces", ())) for b in blocks
    )

    def events(req: RecordedRequest) -> Iterator[sse.Event]:
        final = usage or sse.anthropic_usage(input_estimate(req), max(1, out))
        return sse.anthropic_stream(
            blocks,
            model=model or req_model(req),
            usage=final,
            start_usage=start_usage,
            stop_reason=stop_reason,
        )

    return Scripted(events=events, options=StreamOptions(**stream))


def openai_item(
    kwargs: dict[str, Any],
    out: int,
    usage: dict[str, Any] | None,
    model: str | None,
    finish_reason: str | None,
    stream: dict[str, Any],
) -> Scripted:
    def events(req: RecordedRequest) -> Iterator[sse.Event]:
        final = openai_usage_for(req, usage, out)
        return sse.openai_stream(
            model=model or req_model(req), usage=final, finish_reason=finish_reason, **kwargs
        )

    return Scripted(events=events, options=StreamOptions(**stream))


def is_anthropic_client(req: RecordedRequest) -> bool:
    return "anthropic-version" in req.headers or "x-api-key" in req.headers


def req_model(req: RecordedRequest) -> str:
    body = req.body if isinstance(req.body, dict) else {}
    return str(body.get("model") or "fake-model")


def input_estimate(req: RecordedRequest) -> int:
    return max(1, len(req.raw) // 4)


def openai_usage_for(req: RecordedRequest, usage: dict[str, Any] | None, out: int) -> dict[str, Any] | None:
    body = req.body if isinstance(req.body, dict) else {}
    if not (body.get("stream_options") or {}).get("include_usage"):
        return None
    if usage is None:
        return sse.openai_usage(input_estimate(req), max(1, out))
    if "total_tokens" in usage:
        return usage
    return sse.openai_usage(
        usage.get("prompt_tokens", 10),
        usage.get("completion_tokens", 1),
        usage.get("cached_tokens", 0),
        usage.get("reasoning_tokens", 0),
    )


def last_user_text(req: RecordedRequest) -> str:
    body = req.body if isinstance(req.body, dict) else {}
    for msg in reversed(body.get("messages") or []):
        if msg.get("role") not in ("user", "tool"):
            continue
        content = msg.get("content")
        if isinstance(content, str):
            return content
        parts: list[str] = []
        for block in content or []:
            if block.get("type") == "text":
                parts.append(block.get("text", ""))
            elif block.get("type") == "tool_result":
                inner = block.get("content")
                parts.append(inner if isinstance(inner, str) else json.dumps(inner))
        return " ".join(p for p in parts if p)
    return ""


def auth_failure(req: RecordedRequest, key: str | None) -> Scripted | None:
    """A real-format 401 when a key is required and the request carries another one (or none).

    The key may come as ``x-api-key`` or ``Authorization: Bearer`` (the Anthropic SDK 2.x sends the
    latter); the error body follows the endpoint's format.
    """
    if key is None:
        return None
    bearer = req.headers.get("authorization", "").removeprefix("Bearer ").strip()
    given = req.headers.get("x-api-key") or bearer
    if given == key:
        return None
    if is_anthropic_client(req) and not is_openai_path(req.path):
        body = sse.anthropic_error_body(401, "invalid x-api-key")
    else:
        shown = (given[:3] + "*" * 8 + given[-4:]) if len(given) > 8 else "****"
        body = sse.openai_error_body(
            401,
            f"Incorrect API key provided: {shown}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
        )
    return Scripted(401, {}, "application/json", body=json.dumps(body).encode())


def models_response(req: RecordedRequest, anthropic: list[str], openai: list[str]) -> Scripted:
    """``GET /v1/models`` in the format of the client that asks."""
    if is_anthropic_client(req):
        body = sse.anthropic_models_body(anthropic)
    else:
        body = sse.openai_models_body(openai)
    return Scripted(200, {}, "application/json", body=json.dumps(body).encode())


def echo_response(req: RecordedRequest, tokens_per_second: float | None) -> Scripted:
    """The last user message sent back, streamed or not as the request asked, in its endpoint's format."""
    text = "echo: " + (last_user_text(req) or "(nothing)")
    body = req.body if isinstance(req.body, dict) else {}
    out = len(sse.tokenize(text))
    openai = is_openai_path(req.path)
    if body.get("stream"):
        pieces = sse.group(sse.tokenize(text))
        pacing = {"tokens_per_second": tokens_per_second}
        if openai:
            return openai_item({"text_pieces": pieces}, out, None, None, "stop", pacing)
        return anthropic_item([{"type": "text", "pieces": pieces}], None, None, None, "end_turn", pacing)
    if openai:
        usage = sse.openai_usage(input_estimate(req), out)
        data = sse.openai_completion_json(text, model=req_model(req), usage=usage)
    else:
        data = sse.anthropic_message_json(
            text, model=req_model(req), usage=sse.anthropic_usage(input_estimate(req), out)
        )
    return Scripted(200, {}, "application/json", body=data)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client closing a kept-alive connection (cancel, timeout, test end) is normal here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


Answer = Callable[[RecordedRequest], Scripted]


def make_handler(answer: Answer, stopping: threading.Event) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to ``answer`` (records + picks the response) and the server's stop flag."""

    class Handler(_Handler):
        pass

    Handler.answer = staticmethod(answer)  # type: ignore[assignment]
    Handler.stopping = stopping
    return Handler


def _parse(raw: bytes) -> Any:
    """The request's JSON (None if it is not JSON), parsed by orjson as an API's front end parses it,
    natively: ``json.loads`` took 1.3 ms for a 900 KB history where orjson takes 0.5 ms, and the benchmark
    server (``benchmarks/server.py``) would otherwise grow a long session's exchanges by its own work.
    What orjson refuses and ``json`` reads (NaN, a lone surrogate's escape) is read by ``json``."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as real API front ends set it: with Nagle on, a stream's first chunk waits for the
    # client to ACK the headers, which a kept-alive connection delays by 40 ms.
    disable_nagle_algorithm = True
    answer: Answer
    stopping: threading.Event

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _handle(self) -> None:
        raw = self._read_body()
        body = _parse(raw) if raw else None
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = RecordedRequest(self.command, normalise(self.path), headers, body, raw)
        item = self.answer(req)
        try:
            self._send(item, req)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client went away (timeout, cancel): nothing to do

    def _send(self, item: Scripted, req: RecordedRequest) -> None:
        opts = item.options
        if opts.first_byte_delay and self.stopping.wait(opts.first_byte_delay):
            return
        self.send_response(item.status)
        self.send_header("content-type", item.content_type)
        self.send_header("request-id", "req_fake")
        for name, value in item.headers.items():
            self.send_header(name, value)
        if item.events is None:
            data = item.body or b""
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_header("transfer-encoding", "chunked")
        self.send_header("cache-control", "no-cache")
        self.end_headers()
        if self._stream(item.events(req), opts, is_openai_path(req.path)):
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.close_connection = True

    def _stream(self, events: Iterable[sse.Event], opts: StreamOptions, openai: bool) -> bool:
        """Write the events as HTTP chunks; False when the connection must be dropped (no terminator)."""
        buffer = bytearray()
        stopping = self.stopping
        paced = bool(opts.delay or opts.tokens_per_second or opts.split_bytes)

        def flush() -> None:
            if buffer:
                self._write_chunk(bytes(buffer), opts.split_bytes)
                buffer.clear()

        deltas = tokens = 0
        started = time.monotonic()
        stalled = False
        for data, weight in events:
            if weight:
                if deltas == opts.cut_after:
                    flush()
                    return False
                if deltas == opts.error_after:
                    buffer += (
                        sse.openai_error_data(opts.error_message)
                        if openai
                        else sse.anthropic_error_event(opts.error_type, opts.error_message)
                    )
                    flush()
                    return True  # the API ends the body after the error event
                if deltas == opts.end_after:
                    break
                if deltas == opts.stall_after and not stalled:
                    stalled = True
                    flush()
                    if stopping.wait(opts.stall_seconds):
                        return False
                if opts.delay and stopping.wait(opts.delay):
                    return False
                if opts.tokens_per_second:
                    due = started + (tokens + weight) / opts.tokens_per_second
                    if due > time.monotonic():
                        flush()
                        if stopping.wait(due - time.monotonic()):
                            return False
                deltas += 1
                tokens += weight
            buffer += data
            if paced or len(buffer) >= 65536:
                flush()
        flush()
        return True

    def _write_chunk(self, data: bytes, split: int | None) -> None:
        step = split or len(data)
        for i in range(0, len(data), step):
            piece = data[i : i + step]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
