"""Google Gemini (the Gemini API) through the official ``google-genai`` SDK, streamed.

The SDK's client sends the request (its base URL, ``x-goog-api-key`` header, error classes) and
decodes the server-sent events; the body is the API's own JSON (``_gemini_wire``), sent through the
client's transport rather than ``models.generate_content_stream``, whose typed round trip re-encodes
``thoughtSignature`` bytes (URL-safe base64) where the API expects them back as it sent them. The
SDK's retries are off (its default): the agent loop decides. The SDK leaves reads without a time
limit, so a silence longer than ``idle_timeout`` is detected here.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from flux_tui.core.errors import (
    BadRequestError,
    OverloadedError,
    ProviderError,
)
from flux_tui.llm._streaming import StreamingProvider
from flux_tui.llm.gemini_declaration import GEMINI

if TYPE_CHECKING:
    from flux_tui.llm._errors import ErrorContext
    from flux_tui.llm._gemini_wire import GeminiStream
    from flux_tui.llm._reply import Reply

_DELAY = re.compile(r"^([0-9.]+)s$")


class GeminiProvider(StreamingProvider):
    declaration = GEMINI
    sdk_packages = ("google",)

    def _make_client(self) -> Any:
        from google import genai
        from google.genai import types

        options = types.HttpOptions(
            base_url=self.settings.base_url or None, headers=self.settings.extra_headers or None
        )
        return genai.Client(api_key=self.settings.api_key, vertexai=False, http_options=options)

    def _wire(self) -> Any:
        from flux_tui.llm import _gemini_wire

        return _gemini_wire

    def _request_options(self) -> dict[str, Any]:
        return {
            "thinking_budget": self.settings.thinking_budget,
            "include_thoughts": bool(self.settings.options.get("include_thoughts", True)),
        }

    def _reader(self, reply: Reply) -> GeminiStream:
        from flux_tui.llm._gemini_wire import GeminiStream

        return GeminiStream(reply)

    async def _open(self, request: dict[str, Any]) -> _ChunkStream:
        api = self.client.aio._api_client  # the SDK's transport: see the module docstring
        path = f"models/{self.model}:streamGenerateContent?alt=sse"
        http_request = api._build_request("post", path, dict(request), None)
        try:
            async with asyncio.timeout(self.settings.idle_timeout):
                response = await api._async_request(http_request=http_request, stream=True)
        except TimeoutError:
            raise _idle(self.settings.idle_timeout) from None
        return _ChunkStream(response, self.settings.idle_timeout)

    async def _list_models(self) -> list[str]:
        from flux_tui.core.pricing import note_listed_windows

        found: list[str] = []
        windows: dict[str, int] = {}
        pager = await self.client.aio.models.list(config={"page_size": 1000})
        async for model in pager:
            actions = model.supported_actions or []
            if actions and "generateContent" not in actions:
                continue  # embeddings, image and audio models
            name = (model.name or "").removeprefix("models/")
            found.append(name)
            if name and model.input_token_limit:
                windows[name] = model.input_token_limit
        note_listed_windows(self.name, windows)  # genai-prices lacks some models' windows
        return [name for name in found if name]

    def _map_error(self, exc: BaseException, ctx: ErrorContext) -> ProviderError:
        from flux_tui.llm._errors import map_error

        code = getattr(exc, "code", None)
        if type(exc).__module__.startswith("google.genai") and isinstance(code, int):
            return _from_api_error(exc, code, ctx)
        return map_error(exc, ctx)

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aio.aclose()


def _idle(seconds: float) -> Exception:
    import httpx2

    # The transport's own timeout class: the shared mapping names the silence and keeps partial text.
    return httpx2.ReadTimeout(f"no data for {seconds:g} s")


class _ChunkStream:
    """The chunks of one streamed response, as the SDK decodes them, each in a run of its own (the
    ``_sse`` decoders' shape); an ``{"error": ...}`` chunk is raised as the SDK's ``APIError``; closing it
    closes the response."""

    def __init__(self, response: Any, idle_timeout: float) -> None:
        self._response = response
        self._idle = idle_timeout
        self._segments = response.async_segments()

    def __aiter__(self) -> AsyncIterator[list[dict[str, Any]]]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[list[dict[str, Any]]]:
        from google.genai import errors

        while True:
            try:
                async with asyncio.timeout(self._idle):
                    chunk = await anext(self._segments)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise _idle(self._idle) from None
            if isinstance(chunk, dict) and chunk.get("error"):
                error = chunk["error"]
                code = error.get("code") if isinstance(error, dict) else None
                raise errors.APIError(int(code or 500), chunk)
            if isinstance(chunk, dict):
                yield [chunk]

    async def __aenter__(self) -> _ChunkStream:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self._segments.aclose()
        stream = getattr(self._response, "response_stream", None)
        close = getattr(stream, "aclose", None) or getattr(stream, "release", None)
        if close is not None:
            result = close()
            if asyncio.iscoroutine(result):
                await result


def _retry_delay(exc: BaseException) -> float | None:
    """Seconds to wait: the API's ``RetryInfo`` detail ("37s"), else a ``retry-after`` header."""
    details = getattr(exc, "details", None)
    error = details.get("error") if isinstance(details, dict) else None
    items = error.get("details") if isinstance(error, dict) else None
    for item in items or []:
        found = _DELAY.match(str(item.get("retryDelay") or "")) if isinstance(item, dict) else None
        if found:
            return float(found.group(1))
    from flux_tui.llm._errors import parse_retry_after

    return parse_retry_after(getattr(getattr(exc, "response", None), "headers", None))


def _key_rejected(exc: BaseException) -> bool:
    details = getattr(exc, "details", None)
    text = str(details) if details is not None else ""
    return "API_KEY_INVALID" in text or "API key not valid" in text or "API key expired" in text


def _from_api_error(exc: BaseException, code: int, ctx: ErrorContext) -> ProviderError:
    """The core error for the SDK's ``APIError`` (``code``, ``status``, ``message``, ``details``)."""
    from flux_tui.core.redact import Redactor
    from flux_tui.llm._errors import forbidden_key, invalid_key, model_missing, rate_limited

    common: dict[str, Any] = {"provider": ctx.provider, "partial_text": ctx.partial_text, "status_code": code}
    status = getattr(exc, "status", None) or ""
    message = Redactor([ctx.api_key]).redact_text(str(getattr(exc, "message", None) or status or code))
    if code == 401 or (code == 400 and _key_rejected(exc)):
        return invalid_key(ctx, common)
    if code == 403:
        return forbidden_key(ctx, common)
    if code == 404:
        return model_missing(ctx, message, common)
    if code == 429:
        return rate_limited(ctx, message, _retry_delay(exc), common, status or "RESOURCE_EXHAUSTED")
    if code >= 500:
        return OverloadedError(
            f"{ctx.provider} is overloaded or failing ({code} {status}): {message}".replace(" )", ")"),
            retry_after=_retry_delay(exc),
            **common,
        )
    return BadRequestError(f"{ctx.provider} rejected the request ({code} {status}): {message}", **common)
