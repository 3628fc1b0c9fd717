"""Helpers of the provider tests (imported as ``llm_support``; tests/llm is put on sys.path)."""

from __future__ import annotations

from typing import Any

from flux_tui.llm.base_provider import BaseLLMProvider

ANTHROPIC_KEY = "sk-ant-test-0123456789abcdef"
OPENAI_KEY = "sk-test-openai-0123456789abcdef"
DEFAULT_MODELS = {"anthropic": "claude-sonnet-4-6", "openai": "gpt-4o"}
KEYS = {"anthropic": ANTHROPIC_KEY, "openai": OPENAI_KEY}


async def collect(provider: BaseLLMProvider, message: str | None = "hi", **kw: Any) -> list[dict[str, Any]]:
    """Every event of one ``send_message``."""
    return [dict(event) async for event in provider.send_message(message, **kw)]


def texts(events: list[dict[str, Any]], kind: str = "text") -> str:
    return "".join(e["content"] for e in events if e["type"] == kind)


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


def final_usage(events: list[dict[str, Any]]) -> dict[str, Any]:
    usage = of_type(events, "usage")
    assert usage, "no usage event"
    return {k: v for k, v in usage[-1].items() if k != "type"}
