"""A fake Anthropic + OpenAI API on 127.0.0.1 that the real SDKs talk to over real HTTP.

Use it from tests through the ``fake_api`` fixture (``tests/conftest.py``), or directly::

    from fakeapi import FakeAPI              # tests/ is put on sys.path by tests/conftest.py
    with FakeAPI() as api:                    # port 0 -> a free port; a daemon thread serves it
        AsyncAnthropic(base_url=api.anthropic_base_url, api_key="test")
        AsyncOpenAI(base_url=api.openai_base_url, api_key="test")

Standalone, for manual runs of the app (echo mode answers every request by streaming back the last
user message, in the right wire format for the endpoint, with usage)::

    python tests/fakeapi.py --port 8765 [--mode echo|strict] [--tps 150] [--require-key sk-...]

Addresses: ``base_url`` / ``anthropic_base_url`` = ``http://127.0.0.1:PORT``, ``openai_base_url`` = that
plus ``/v1``.

Recording: ``requests`` is the list of ``RecordedRequest(method, path, headers, body, raw)`` received
(headers with lower-case names, ``body`` the parsed JSON or None, ``path`` without the query);
``last_request(path_suffix)`` / ``requests_to(path_suffix)`` pick by path ending ("/v1/messages").

Scripting: one FIFO queue per endpoint. ``endpoint`` is a path ("/v1/messages", "/v1/chat/completions",
"/v1/responses", "/v1/models") or the alias "anthropic" / "openai". Each request pops the next scripted
response; an empty queue answers 500 "fake API: no scripted response ..." (loud test bugs) unless
``echo`` is on. Builders (all return None and append to the queue):

* ``queue_raw(endpoint, body, status=200, headers=None, content_type="text/event-stream; charset=utf-8",
  **stream)`` bytes as they are.
* ``queue_capture(endpoint, name_or_path, **stream)`` replays a ``tests/wire/*.sse`` file verbatim.
* ``queue_anthropic_text(text, *, thinking=None, signature="sig_fake", usage=None, start_usage=None,
  model=None, stop_reason="end_turn", chunk_tokens=1, **stream)``
* ``queue_anthropic_tool_use(calls, text=None, *, thinking=None, signature="sig_fake", fragment=7,
  usage=None, start_usage=None, model=None, stop_reason="tool_use", **stream)`` where ``calls`` is a list
  of ``(id, name, input)``; ``input`` a dict (sent as JSON in ``fragment``-char pieces; ``{}`` is sent as
  one empty piece like the real API) or a str sent as is (malformed JSON tests).
* ``queue_openai_text(text, *, usage=None, model=None, finish_reason="stop", refusal=False,
  chunk_tokens=1, **stream)``
* ``queue_openai_tool_calls(calls, text=None, *, fragment=5, interleave=False, usage=None, model=None,
  finish_reason="tool_calls", **stream)``
* ``stream_text(endpoint, text, tokens_per_second=None, chunk_tokens=1, **kw)``: the fast path for
  benchmarks (text is split into word tokens; a list of str is taken as the tokens).
* ``queue_error(endpoint, status, json_body=None, headers=None, *, message=None, retry_after=None)``
  a real-format JSON error (default body per status/format; ``retry_after`` sets ``retry-after``).

``usage``: Anthropic ``{"input_tokens", "output_tokens", "cache_read_input_tokens",
"cache_creation_input_tokens"}`` (message_delta totals; ``start_usage`` goes in message_start, default
the same with output_tokens 1); OpenAI ``fakeapi_sse.openai_usage(...)`` or a dict with
``prompt_tokens``/``completion_tokens``/``cached_tokens``/``reasoning_tokens``. ``model=None`` echoes the
request's model. OpenAI usage chunks are only sent when the request asked ``stream_options.include_usage``.

``**stream`` options (``StreamOptions``), counted in content deltas (text/thinking/JSON pieces):
``delay`` seconds before each delta; ``tokens_per_second`` pacing; ``split_bytes`` n-byte writes (SDK
reassembly); ``cut_after=n`` closes the connection after n deltas (no chunk terminator: a dropped
connection); ``end_after=n`` ends the body cleanly after n deltas (no stop reason ever arrives);
``error_after=n`` sends a mid-stream error (Anthropic ``event: error`` with ``error_type``/
``error_message``, OpenAI ``data: {"error": ...}``) then closes; ``stall_after=n`` + ``stall_seconds``
goes silent (idle stream) then carries on; ``first_byte_delay`` waits before the status line.

Other knobs: ``echo`` (bool; ``default_tps`` paces it), ``require_key`` (a key other than this one, as
``x-api-key`` or ``Authorization: Bearer``, gets a real-format 401), ``anthropic_models`` /
``openai_models`` (served by ``GET /v1/models``, in Anthropic's format when the request carries
``anthropic-version``/``x-api-key``, else OpenAI's), ``pending(endpoint)`` (scripted responses not
consumed yet), ``reset()``, ``start()``/``stop()`` or ``with FakeAPI() as api``. ``/v1/responses``
(OpenAI Responses) is served only from ``queue_raw``/``queue_capture``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections import deque
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script or imported as top-level "fakeapi"
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import fakeapi_gemini as gemini
import fakeapi_sse as sse
from fakeapi_http import (
    ALIASES,
    SSE_TYPE,
    RecordedRequest,
    Scripted,
    Server,
    StreamOptions,
    anthropic_item,
    auth_failure,
    echo_response,
    is_openai_path,
    make_handler,
    models_response,
    normalise,
    openai_item,
)

WIRE_DIR = Path(__file__).resolve().parent / "wire"
# What the real endpoints list: each app default by name, Anthropic's other models as dated snapshots.
ANTHROPIC_MODELS = [
    "claude-sonnet-4-6",
    "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-1-20250805",
]
OPENAI_MODELS = ["gpt-5.5", "gpt-4o", "gpt-4o-mini", "gpt-5", "o3-mini"]


class FakeAPI:
    """The server plus its scripting API (see the module docstring)."""

    def __init__(self, port: int = 0, *, echo: bool = False, host: str = "127.0.0.1") -> None:
        self.echo = echo
        self.require_key: str | None = None
        self.anthropic_models = list(ANTHROPIC_MODELS)
        self.openai_models = list(OPENAI_MODELS)
        self.gemini_models = list(gemini.GEMINI_MODELS)  # GET /v1beta/models (fakeapi_gemini)
        self.gemini_input_limit = 1048576  # each listed model's inputTokenLimit
        self.default_tps: float | None = None  # echo-mode pacing
        self.requests: list[RecordedRequest] = []
        self._queues: dict[str, deque[Scripted]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = Server((host, port), make_handler(self._answer, self._stopping))
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def anthropic_base_url(self) -> str:
        return self.base_url

    @property
    def openai_base_url(self) -> str:
        return self.base_url + "/v1"

    @property
    def gemini_base_url(self) -> str:
        return self.base_url

    def queue_gemini(self, text: str | list[str] = "", **kw: Any) -> None:
        """A Gemini stream (``fakeapi_gemini.item``); ``status`` + ``message`` queue an error instead."""
        status = kw.pop("status", None)
        if status is not None:
            item = gemini.error_item(status, kw.pop("message", "fake error"), kw.pop("details", None))
        else:
            item = gemini.item(text, **kw)
        self.queue(gemini.STREAM_QUEUE, item)

    def start(self) -> FakeAPI:
        # A short poll interval keeps stop() (one per test) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakeapi", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes stalled streams so shutdown does not wait for them
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- recording ------------------------------------------------------------------------------

    def requests_to(self, path_suffix: str) -> list[RecordedRequest]:
        suffix = ALIASES.get(path_suffix, path_suffix)
        return [r for r in self.requests if r.path.endswith(suffix)]

    def last_request(self, path_suffix: str = "") -> RecordedRequest:
        found = self.requests_to(path_suffix)
        if not found:
            seen = [f"{r.method} {r.path}" for r in self.requests]
            raise LookupError(f"no request to *{path_suffix}; received: {seen}")
        return found[-1]

    def pending(self, endpoint: str) -> int:
        with self._lock:
            return len(self._queues.get(normalise(endpoint), ()))

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()
            self.requests.clear()

    # -- scripting ------------------------------------------------------------------------------

    def queue(self, endpoint: str, item: Scripted) -> None:
        with self._lock:
            self._queues.setdefault(normalise(endpoint), deque()).append(item)

    def queue_raw(
        self,
        endpoint: str,
        body: bytes,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = SSE_TYPE,
        **stream: Any,
    ) -> None:
        if content_type.startswith("text/event-stream"):
            item = Scripted(status, dict(headers or {}), content_type, events=lambda _r: [(body, 0)])
        else:
            item = Scripted(status, dict(headers or {}), content_type, body=body)
        item.options = StreamOptions(**stream)
        self.queue(endpoint, item)

    def queue_capture(self, endpoint: str, path: str | Path, **stream: Any) -> None:
        file = Path(path)
        if not file.is_absolute() and not file.exists():
            file = WIRE_DIR / file
        self.queue_raw(endpoint, file.read_bytes(), **stream)

    def queue_error(
        self,
        endpoint: str,
        status: int,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        *,
        message: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        path = normalise(endpoint)
        text = message or f"fake API error {status}"
        if json_body is None:
            maker = sse.openai_error_body if is_openai_path(path) else sse.anthropic_error_body
            json_body = maker(status, text)
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["retry-after"] = f"{retry_after:g}"
        body = json.dumps(json_body).encode()
        self.queue(path, Scripted(status, all_headers, "application/json", body=body))

    def queue_anthropic_text(
        self,
        text: str | list[str],
        *,
        thinking: str | list[str] | None = None,
        signature: str = "sig_fake",
        usage: dict[str, int] | None = None,
        start_usage: dict[str, int] | None = None,
        model: str | None = None,
        stop_reason: str | None = "end_turn",
        chunk_tokens: int = 1,
        **stream: Any,
    ) -> None:
        blocks: list[dict[str, Any]] = []
        if thinking is not None:
            pieces = sse.group(sse.tokenize(thinking), chunk_tokens)
            blocks.append({"type": "thinking", "pieces": pieces, "signature": signature})
        text_pieces = sse.group(sse.tokenize(text), chunk_tokens)
        if text_pieces:
            blocks.append({"type": "text", "pieces": text_pieces})
        self.queue("/v1/messages", anthropic_item(blocks, usage, start_usage, model, stop_reason, stream))

    def queue_anthropic_tool_use(
        self,
        calls: list[tuple[str, str, dict[str, Any] | str]],
        text: str | None = None,
        *,
        thinking: str | None = None,
        signature: str = "sig_fake",
        fragment: int = 7,
        usage: dict[str, int] | None = None,
        start_usage: dict[str, int] | None = None,
        model: str | None = None,
        stop_reason: str | None = "tool_use",
        **stream: Any,
    ) -> None:
        blocks: list[dict[str, Any]] = []
        if thinking is not None:
            pieces = sse.group(sse.tokenize(thinking))
            blocks.append({"type": "thinking", "pieces": pieces, "signature": signature})
        if text:
            blocks.append({"type": "text", "pieces": sse.group(sse.tokenize(text))})
        for call_id, name, args in calls:
            raw = args if isinstance(args, str) else ("" if not args else json.dumps(args))
            blocks.append(
                {"type": "tool_use", "id": call_id, "name": name, "json_pieces": sse.fragments(raw, fragment)}
            )
        self.queue("/v1/messages", anthropic_item(blocks, usage, start_usage, model, stop_reason, stream))

    def queue_openai_text(
        self,
        text: str | list[str],
        *,
        usage: dict[str, Any] | None = None,
        model: str | None = None,
        finish_reason: str | None = "stop",
        refusal: bool = False,
        chunk_tokens: int = 1,
        **stream: Any,
    ) -> None:
        pieces = sse.group(sse.tokenize(text), chunk_tokens)
        key = "refusal_pieces" if refusal else "text_pieces"
        out = sum(w for _t, w in pieces)
        self.queue(
            "/v1/chat/completions", openai_item({key: pieces}, out, usage, model, finish_reason, stream)
        )

    def queue_openai_tool_calls(
        self,
        calls: list[tuple[str, str, dict[str, Any] | str]],
        text: str | None = None,
        *,
        fragment: int = 5,
        interleave: bool = False,
        usage: dict[str, Any] | None = None,
        model: str | None = None,
        finish_reason: str | None = "tool_calls",
        **stream: Any,
    ) -> None:
        wire_calls = [
            (cid, name, sse.fragments(a if isinstance(a, str) else json.dumps(a), fragment))
            for cid, name, a in calls
        ]
        pieces = sse.group(sse.tokenize(text)) if text else []
        out = len(pieces) + sum(len(p) for _c, _n, p in wire_calls)
        kwargs = {"text_pieces": pieces, "calls": wire_calls, "interleave": interleave}
        self.queue("/v1/chat/completions", openai_item(kwargs, out, usage, model, finish_reason, stream))

    def stream_text(
        self,
        endpoint: str,
        text: str | list[str],
        tokens_per_second: float | None = None,
        chunk_tokens: int = 1,
        **kw: Any,
    ) -> None:
        if is_openai_path(normalise(endpoint)):
            self.queue_openai_text(text, chunk_tokens=chunk_tokens, tokens_per_second=tokens_per_second, **kw)
        else:
            self.queue_anthropic_text(
                text, chunk_tokens=chunk_tokens, tokens_per_second=tokens_per_second, **kw
            )

    # -- answering (called from the server threads) ---------------------------------------------

    def _answer(self, req: RecordedRequest) -> Scripted:
        with self._lock:
            self.requests.append(req)
        return auth_failure(req, self.require_key) or self._next(req)

    def _next(self, req: RecordedRequest) -> Scripted:
        with self._lock:
            queue = self._queues.get(gemini.queue_key(req.path))
            if queue:
                return queue.popleft()
        if gemini.is_gemini(req):
            found = gemini.answer(
                req, self.gemini_models, self.echo, self.default_tps, self.gemini_input_limit
            )
            if found is not None:
                return found
        if req.path.endswith("/models") and req.method == "GET":
            return models_response(req, self.anthropic_models, self.openai_models)
        if self.echo:
            return echo_response(req, self.default_tps)
        message = f"fake API: no scripted response for {req.method} {req.path}"
        maker = sse.openai_error_body if is_openai_path(req.path) else sse.anthropic_error_body
        return Scripted(500, {}, "application/json", body=json.dumps(maker(500, message)).encode())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Anthropic/OpenAI API for manual runs of flux-tui.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--mode", choices=["echo", "strict"], default="echo")
    parser.add_argument("--tps", type=float, default=None, help="echo pacing, tokens per second")
    parser.add_argument("--require-key", default=None, help="answer 401 unless this key is sent")
    args = parser.parse_args(argv)
    api = FakeAPI(args.port, echo=args.mode == "echo")
    api.default_tps = args.tps
    api.require_key = args.require_key
    print(f"fake API on {api.base_url} (anthropic: {api.anthropic_base_url}, openai: {api.openai_base_url})")
    sys.stdout.flush()
    try:
        api._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        api._server.server_close()


if __name__ == "__main__":
    main()
