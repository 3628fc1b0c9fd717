"""The firehose baseline: the bare provider SDK receiving the same stream, in a process of its own.

``python -m benchmarks.sdk_client KIND BASE_URL MODEL`` (KIND ``anthropic`` or ``openai``) sends one
streaming request with the SDK's async client (as the app's providers do: ``create(stream=True)``),
iterates every event, and prints ``{"seconds", "events", "chars", "text_tail"}``: the time from sending
the request to the end of the stream (SDK import and client construction are not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any


async def receive(kind: str, base_url: str, model: str) -> dict[str, Any]:
    messages = [{"role": "user", "content": "benchmark"}]
    parts: list[str] = []
    events = 0
    if kind == "anthropic":
        from anthropic import AsyncAnthropic

        client: Any = AsyncAnthropic(base_url=base_url, api_key="bench-key", max_retries=0)
        start = time.monotonic()
        stream = await client.messages.create(model=model, max_tokens=64000, messages=messages, stream=True)
        async for event in stream:
            events += 1
            if event.type == "content_block_delta" and event.delta.type == "text_delta":
                parts.append(event.delta.text)
    else:
        from openai import AsyncOpenAI

        client = AsyncOpenAI(base_url=base_url, api_key="bench-key", max_retries=0)
        start = time.monotonic()
        stream = await client.chat.completions.create(model=model, messages=messages, stream=True)
        async for chunk in stream:
            events += 1
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
    seconds = time.monotonic() - start
    await client.close()
    text = "".join(parts)
    return {"seconds": seconds, "events": events, "chars": len(text), "text_tail": text[-80:]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("anthropic", "openai"))
    parser.add_argument("base_url")
    parser.add_argument("model")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(receive(args.kind, args.base_url, args.model))), flush=True)


if __name__ == "__main__":
    main()
