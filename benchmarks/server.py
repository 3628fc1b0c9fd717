"""The benchmark's streaming server: the test suite's ``FakeAPI`` plus a plan queue and a stream log.

Run in its own process (so its work never shares a GIL with the app, the SDK baseline or the
measuring code)::

    python -m benchmarks.server          # prints "PORT <n>" once listening, serves until killed

Control endpoints (JSON), used through ``ServerClient``:

* ``POST /v1/bench/plan`` ``{"tokens", "tps", "chunk", "marker"}``: the next streaming request (either
  provider's format) is answered with ``answer_tokens(tokens, marker)``, ``chunk`` tokens per delta,
  paced at ``tps`` tokens/s (0 = as fast as possible). Without a plan, requests are echoed.
  ``{"tool": {"id", "name", "input"}, "marker"}`` instead: the next streaming request is answered with a
  short sentence and that one tool call (stop reason ``tool_use`` / ``tool_calls``), as fast as possible;
  ``marker`` (the call id will do) names its log record. Plans are served in the order they were queued,
  so a tool-call plan followed by a text plan is one exchange with a tool round trip.
* ``GET /v1/bench/log``: one record per planned stream served: ``marker``, ``start`` (request
  answered), ``first_delta`` and ``last_byte`` (``time.monotonic()``, which is system-wide on Linux and so
  comparable with the measuring process's clock), and ``tool_results``: the tool results the request
  carried after the last assistant message (call id -> result text), which shows the app ran the tool
  and sent its result back before the answer that follows it was streamed.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Iterator
from typing import Any

from benchmarks.answer import answer_tokens
from benchmarks.fakeapi_path import fakeapi, fakeapi_http, fakeapi_sse

Plan = dict[str, Any]


class BenchServer(fakeapi.FakeAPI):
    def __init__(self, port: int = 0) -> None:
        super().__init__(port, echo=True)
        self.plans: deque[Plan] = deque()
        self.log: list[dict[str, Any]] = []
        self._plan_lock = threading.Lock()

    def _answer(self, req: fakeapi_http.RecordedRequest) -> fakeapi_http.Scripted:
        # Not recorded (FakeAPI keeps every request body; a 100-exchange session would pile them up).
        if req.path == "/v1/bench/plan":
            with self._plan_lock:
                self.plans.append(req.body)
            return _json({"queued": len(self.plans)})
        if req.path == "/v1/bench/log":
            with self._plan_lock:
                return _json(list(self.log))
        body = req.body if isinstance(req.body, dict) else {}
        if body.get("stream") and req.method == "POST":
            with self._plan_lock:
                plan = self.plans.popleft() if self.plans else None
            if plan is not None:
                return self._planned(req, plan)
        return self._next(req)

    def _planned(self, req: fakeapi_http.RecordedRequest, plan: Plan) -> fakeapi_http.Scripted:
        item = _tool_call(req, plan["tool"]) if plan.get("tool") else _text(req, plan)
        inner = item.events
        assert inner is not None
        record: dict[str, Any] = {
            "marker": plan["marker"],
            "start": time.monotonic(),
            "tool_results": tool_results(req.body),
        }

        def timed(request: fakeapi_http.RecordedRequest) -> Iterator[fakeapi_sse.Event]:
            for event in inner(request):
                if event[1] and "first_delta" not in record:
                    record["first_delta"] = time.monotonic()
                yield event
            # The handler flushes each event before asking for the next one when the stream is paced,
            # so this is the time of the last byte (give or take one write of the closing events).
            record["last_byte"] = time.monotonic()
            with self._plan_lock:
                self.log.append(record)

        item.events = timed
        return item


def _text(req: fakeapi_http.RecordedRequest, plan: Plan) -> fakeapi_http.Scripted:
    tokens = answer_tokens(int(plan["tokens"]), str(plan["marker"]))
    pieces = fakeapi_sse.group(tokens, int(plan.get("chunk") or 1))
    pacing = {"tokens_per_second": float(plan["tps"])} if plan.get("tps") else {}
    if fakeapi_http.is_openai_path(req.path):
        return fakeapi_http.openai_item({"text_pieces": pieces}, len(tokens), None, None, "stop", pacing)
    blocks = [{"type": "text", "pieces": pieces}]
    return fakeapi_http.anthropic_item(blocks, None, None, None, "end_turn", pacing)


def _tool_call(req: fakeapi_http.RecordedRequest, tool: dict[str, Any]) -> fakeapi_http.Scripted:
    """A model's turn that says what it is about to do and calls one tool (as fast as possible)."""
    words = fakeapi_sse.tokenize(f"Let me look at the workspace first ({tool['name']}).")
    arguments = fakeapi_sse.fragments(json.dumps(tool["input"]), 7)
    if fakeapi_http.is_openai_path(req.path):
        calls = [(str(tool["id"]), str(tool["name"]), arguments)]
        kwargs = {"text_pieces": fakeapi_sse.group(words), "calls": calls}
        return fakeapi_http.openai_item(kwargs, len(words) + len(arguments), None, None, "tool_calls", {})
    blocks = [
        {"type": "text", "pieces": fakeapi_sse.group(words)},
        {"type": "tool_use", "id": tool["id"], "name": tool["name"], "json_pieces": arguments},
    ]
    return fakeapi_http.anthropic_item(blocks, None, None, None, "tool_use", {})


def tool_results(body: Any) -> dict[str, str]:
    """The tool results a request sends after the model's last turn: call id -> the result's text
    (Anthropic ``tool_result`` blocks of the last user message, OpenAI ``tool`` messages)."""
    messages = body.get("messages") if isinstance(body, dict) else None
    found: dict[str, str] = {}
    for message in reversed(messages or []):
        if message.get("role") == "assistant":
            break
        content = message.get("content")
        if message.get("role") == "tool":
            found[str(message.get("tool_call_id"))] = _text_of(content)
        elif isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    found[str(block.get("tool_use_id"))] = _text_of(block.get("content"))
    return found


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_text_of(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _json(data: Any) -> fakeapi_http.Scripted:
    return fakeapi_http.Scripted(200, {}, "application/json", body=json.dumps(data).encode())


class ServerClient:
    """The measuring side's handle on a running ``BenchServer`` (in this process or another)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    @property
    def anthropic_base_url(self) -> str:
        return self.base_url

    @property
    def openai_base_url(self) -> str:
        return self.base_url + "/v1"

    def plan(self, tokens: int, marker: str, *, tps: float = 0.0, chunk: int = 1) -> None:
        self._post_plan({"tokens": tokens, "marker": marker, "tps": tps, "chunk": chunk})

    def _post_plan(self, plan: Plan) -> None:
        data = json.dumps(plan).encode()
        request = urllib.request.Request(
            self.base_url + "/v1/bench/plan", data=data, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def plan_tool_call(self, call_id: str, name: str, arguments: dict[str, Any]) -> None:
        """The next streaming request is answered with a call of tool ``name``; its log record is
        named ``call_id``. Plan the answer that follows the tool's result after it."""
        tool = {"id": call_id, "name": name, "input": arguments}
        self._post_plan({"tool": tool, "marker": call_id})

    def log(self) -> list[dict[str, Any]]:
        """Every planned stream served so far (see the module docstring)."""
        with urllib.request.urlopen(self.base_url + "/v1/bench/log", timeout=10) as response:
            entries: list[dict[str, Any]] = json.loads(response.read())
        return entries

    def record(self, marker: str, timeout: float = 10.0) -> dict[str, Any]:
        """The log record of the stream that ended with ``marker`` (waits for it to finish)."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in self.log():
                if entry["marker"] == marker and "last_byte" in entry:
                    return entry
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server never finished the stream ending with {marker}")
            time.sleep(0.05)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="flux-tui benchmark streaming server")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = BenchServer(args.port)
    print(f"PORT {server.port}", flush=True)
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
