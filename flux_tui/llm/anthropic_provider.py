"""Anthropic Messages API through the official SDK (``AsyncAnthropic``), streamed.

The wire details (request translation, event reading) live in ``_anthropic_wire``; this module wires
them to the SDK client. The SDK's own retries are off: the agent loop decides about retrying.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flux_tui.llm._streaming import StreamingProvider
from flux_tui.llm.anthropic_declaration import ANTHROPIC

if TYPE_CHECKING:
    from flux_tui.llm._anthropic_wire import MessagesStream
    from flux_tui.llm._reply import Reply
    from flux_tui.llm._sse import JsonEventStream


class AnthropicProvider(StreamingProvider):
    declaration = ANTHROPIC
    sdk_packages = ("anthropic",)

    def _make_client(self) -> Any:
        from flux_tui.llm._sdk_import import import_sdk_client

        # The SDK's packages whose ``__init__`` only gathers the API's names are deferred: the client
        # imports about 2,100 of the SDK's modules instead of 3,500, and the process holds 20 MB less.
        # The package's own ``__init__`` (and with it ``ANTHROPIC_LOG``) runs when anything asks for a name.
        client = import_sdk_client(self.sdk_packages[0])
        return client.AsyncAnthropic(
            api_key=self.settings.api_key,
            base_url=self.settings.base_url,
            max_retries=0,
            timeout=self._timeout(),
            default_headers=self.settings.extra_headers or None,
        )

    def _wire(self) -> Any:
        from flux_tui.llm import _anthropic_wire

        return _anthropic_wire

    def _request_options(self) -> dict[str, Any]:
        return {
            "prompt_caching": self.settings.prompt_caching,
            "thinking_budget": self.settings.thinking_budget,
        }

    def _reader(self, reply: Reply) -> MessagesStream:
        from flux_tui.llm._anthropic_wire import MessagesStream

        return MessagesStream(reply)

    async def _open(self, request: dict[str, Any]) -> JsonEventStream:
        from flux_tui.llm._sse import anthropic_events

        return await self._post_stream("/v1/messages", request, anthropic_events)

    async def _list_models(self) -> list[str]:
        page = await self.client.models.list(limit=1000)
        return [model.id for model in page.data]
