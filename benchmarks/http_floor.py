"""The firehose floor: a raw HTTP client reading the stream's server-sent events, in a process of its own.

``python -m benchmarks.http_floor KIND BASE_URL MODEL`` (KIND ``anthropic`` or ``openai``) posts the same
streaming request the app and ``sdk_client`` send, with ``httpx2`` (the HTTP layer both SDKs are built
on; plain ``httpx`` is not installed here) and nothing above it: every ``data:`` line is
``json.loads``-ed and the answer's text collected, and that is all. It prints ``{"seconds", "events",
"chars", "text_tail"}``: the time from sending the request to the end of the stream (imports and
client construction are not counted). No program that shows the stream can do less with it.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import httpx2


def _request(kind: str, base_url: str, model: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    messages = [{"role": "user", "content": "benchmark"}]
    if kind == "anthropic":
        headers = {"x-api-key": "bench-key", "anthropic-version": "2023-06-01"}
        body = {"model": model, "max_tokens": 64000, "messages": messages, "stream": True}
        return base_url.rstrip("/") + "/v1/messages", headers, body
    headers = {"authorization": "Bearer bench-key"}
    body = {"model": model, "messages": messages, "stream": True}
    return base_url.rstrip("/") + "/chat/completions", headers, body


def _text(kind: str, event: Any) -> str:
    if kind == "anthropic":
        if event.get("type") == "content_block_delta" and event["delta"].get("type") == "text_delta":
            return str(event["delta"]["text"])
        return ""
    choices = event.get("choices") if isinstance(event, dict) else None
    return str(choices[0]["delta"].get("content") or "") if choices else ""


def receive(kind: str, base_url: str, model: str) -> dict[str, Any]:
    url, headers, body = _request(kind, base_url, model)
    parts: list[str] = []
    events = 0
    with httpx2.Client(timeout=600) as client:
        start = time.monotonic()
        with client.stream("POST", url, headers=headers, json=body) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    continue
                events += 1
                parts.append(_text(kind, json.loads(data)))
        seconds = time.monotonic() - start
    text = "".join(parts)
    return {"seconds": seconds, "events": events, "chars": len(text), "text_tail": text[-80:]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("anthropic", "openai"))
    parser.add_argument("base_url")
    parser.add_argument("model")
    args = parser.parse_args(argv)
    print(json.dumps(receive(args.kind, args.base_url, args.model)), flush=True)


if __name__ == "__main__":
    main()
