"""A flux-tui provider plug-in that implements only the plan's interface.

``send_message`` yields the plan's event dicts; recording the prompt and the answer in the transcript,
usage and cost are the base class's job. The class attributes are its declaration, which flux-tui reads
for its menus, configuration and messages. It needs no key, so it works with no configuration at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from flux_tui.llm.base_provider import BaseLLMProvider


class EchoProvider(BaseLLMProvider):
    kind = "echo"
    label = "Echo"
    key_envs = ()  # no key needed
    default_model = "echo-1"
    models = ("echo-1", "echo-loud")
    settings_defaults = {"prefix": "echo: "}  # noqa: RUF012 - [providers.echo] settings = {prefix = "..."}

    async def send_message(
        self,
        message: str | None,
        system_prompt: str | None = None,
        tools: list[dict[str, Any]] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        text = message if message is not None else "(tool results received)"
        if self.model == "echo-loud":
            text = text.upper()
        answer = str(self.settings.options.get("prefix", "echo: ")) + text
        for word in answer.split(" "):
            yield {"type": "text", "content": word + " "}
        yield {"type": "usage", "input_tokens": len(text.split()), "output_tokens": len(answer.split())}
        yield {"type": "done", "stop_reason": "end_turn"}

    async def list_models(self) -> list[str]:
        return list(self.models)
