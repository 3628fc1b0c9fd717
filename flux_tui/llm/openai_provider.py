"""OpenAI Chat Completions through the official SDK (``AsyncOpenAI``), streamed.

Also serves any OpenAI-compatible endpoint (Ollama, vLLM, OpenRouter, Groq...) through ``base_url``.
The wire details live in ``_openai_wire``. The SDK's own retries are off: the agent loop decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flux_tui.llm._streaming import StreamingProvider
from flux_tui.llm.openai_declaration import OPENAI

if TYPE_CHECKING:
    from flux_tui.llm._openai_wire import ChatStream
    from flux_tui.llm._reply import Reply
    from flux_tui.llm._sse import JsonEventStream

# Local OpenAI-compatible servers often need no key; the SDK insists on one, so it gets this.
PLACEHOLDER_KEY = "not-needed"

# Words in a model's id that no chat model's holds, whoever serves it (an embedding model on a local
# server, speech-to-text): left out of every endpoint's list.
_NEVER_CHAT = ("embed", "whisper", "transcribe", "moderation", "dall-e")
# Ids in OpenAI's own /v1/models that are not chat models (embeddings, audio, images...).
_NOT_CHAT = (
    "embedding",
    "tts",
    "whisper",
    "dall-e",
    "moderation",
    "transcribe",
    "image",
    "davinci",
    "babbage",
)


class OpenAIProvider(StreamingProvider):
    declaration = OPENAI
    sdk_packages = ("openai",)

    def _make_client(self) -> Any:
        from flux_tui.llm._sdk_import import import_sdk_client

        # The SDK's packages whose ``__init__`` only gathers the API's names are deferred: the client
        # imports about 200 of the SDK's modules instead of 590, and the process holds 10 MB less.
        # The package's own ``__init__`` (and with it ``OPENAI_LOG``) runs when anything asks for a name.
        client = import_sdk_client(self.sdk_packages[0])
        return client.AsyncOpenAI(
            api_key=self.settings.api_key or PLACEHOLDER_KEY,
            base_url=self.settings.base_url,
            max_retries=0,
            timeout=self._timeout(),
            default_headers=self.settings.extra_headers or None,
        )

    def _wire(self) -> Any:
        from flux_tui.llm import _openai_wire

        return _openai_wire

    def _reader(self, reply: Reply) -> ChatStream:
        from flux_tui.llm._openai_wire import ChatStream

        return ChatStream(reply)

    async def _open(self, request: dict[str, Any]) -> JsonEventStream:
        from flux_tui.llm._sse import openai_chunks

        # The API key as create() sends it (the client's default would add an admin key when one is set).
        return await self._post_stream(
            "/chat/completions", request, openai_chunks, security={"bearer_auth": True}
        )

    async def _list_models(self) -> list[str]:
        page = await self.client.models.list()
        ids = [model.id for model in page.data]
        left_out = _NOT_CHAT if self._is_openai_itself() else _NEVER_CHAT
        return [m for m in ids if not any(word in m.lower() for word in left_out)]

    def _is_openai_itself(self) -> bool:
        base = self.settings.base_url or ""
        return not base or "api.openai.com" in base
