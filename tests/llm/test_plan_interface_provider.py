"""A provider that implements only the plan's interface: the base class records and counts for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from flux_tui.core.errors import ProviderError
from flux_tui.core.providers import ProviderSettings
from flux_tui.core.transcript import TextBlock, ToolCall
from flux_tui.llm.base_provider import BaseLLMProvider


class PlanOnly(BaseLLMProvider):
    kind = "planonly"
    script: list[dict[str, Any]] = []  # noqa: RUF012

    async def send_message(
        self, message: str | None, system_prompt: str | None = None, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        for event in self.script:
            if event["type"] == "fail":
                raise RuntimeError("backend went away")
            yield event

    async def list_models(self) -> list[str]:
        return ["m"]


def _provider(script: list[dict[str, Any]]) -> PlanOnly:
    provider = PlanOnly(ProviderSettings(name="planonly", kind="planonly", model="m"))
    provider.script = script
    return provider


async def test_the_base_class_records_the_turn_and_the_usage() -> None:
    provider = _provider(
        [
            {"type": "text", "content": "Let me look."},
            {"type": "tool_use", "id": "t1", "name": "read_file", "input": {"path": "a.py"}},
            {"type": "usage", "input_tokens": 10, "output_tokens": 5},
        ]
    )
    events = [e async for e in provider.send_message("read a.py")]
    assert events[-1] == {"type": "done", "stop_reason": "tool_use"}
    usage = next(e for e in events if e["type"] == "usage")
    assert (usage["provider"], usage["model"], usage["input_tokens"]) == ("planonly", "m", 10)
    prompt, answer = provider.transcript.messages
    assert prompt.text == "read a.py"
    assert answer.blocks == [TextBlock("Let me look."), ToolCall("t1", "read_file", {"path": "a.py"})]
    assert (answer.provider, answer.stop_reason, answer.incomplete) == ("planonly", "tool_use", False)
    totals = provider.get_token_usage()
    assert (totals["input_tokens"], totals["output_tokens"]) == (10, 5)
    assert totals["estimated_cost"] is None  # an unknown model is unpriced, never $0


async def test_a_failing_plugin_keeps_the_partial_answer() -> None:
    provider = _provider([{"type": "text", "content": "half an"}, {"type": "fail"}])
    with pytest.raises(ProviderError, match="planonly failed: RuntimeError: backend went away"):
        async for _ in provider.send_message("hi"):
            pass
    answer = provider.transcript.messages[-1]
    assert answer.text == "half an" and answer.incomplete
