"""Map SDK and transport exceptions (the SDK packages a provider declares in ``sdk_packages``, and
httpx2), and error events read from a stream (``_sse``), to the typed errors of ``core.errors``.

Classification is by class name within those packages, so this module imports no SDK. Messages say
what happened and what to do; they never quote the key (the server's own text is used only for
statuses where it cannot hold one, and is scrubbed of the key anyway).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

from flux_tui.core.errors import (
    AuthenticationError,
    BadRequestError,
    IncompleteStreamError,
    ModelNotFoundError,
    OverloadedError,
    ProviderConnectionError,
    ProviderError,
    RateLimitError,
)
from flux_tui.core.redact import REDACTED, Redactor
from flux_tui.llm._sse import StreamErrorEvent

_TRANSPORT_PACKAGES = ("httpx2", "httpcore2", "httpx", "httpcore")


@dataclass(slots=True)
class ErrorContext:
    provider: str  # name shown to the user
    kind: str
    model: str
    key_env: str
    base_url: str | None
    idle_timeout: float
    api_key: str | None
    started: bool  # the reply had begun streaming
    partial_text: str
    sdk_packages: tuple[str, ...] = ()  # top-level packages of the provider's SDK ("anthropic")


def _class_names(exc: BaseException, sdk_packages: tuple[str, ...] = ()) -> set[str]:
    packages = (*sdk_packages, *_TRANSPORT_PACKAGES)
    return {c.__name__ for c in type(exc).__mro__ if c.__module__.split(".")[0] in packages}


def _class_names_of(exc: BaseException | None) -> set[str]:
    return _class_names(exc) if exc is not None else set()


# httpx2's errors for a URL it cannot send to (no or an unknown scheme, a malformed host or port).
_BAD_URL = frozenset({"UnsupportedProtocol", "InvalidURL"})


def is_sdk_error(exc: BaseException, sdk_packages: tuple[str, ...] = ()) -> bool:
    """An error of the SDK (its top-level packages) or its transport, or an error event in a stream
    (``_sse``)."""
    return bool(_class_names(exc, sdk_packages)) or isinstance(exc, StreamErrorEvent)


def parse_retry_after(headers: Any) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _server_message(body: Any, fallback: str) -> tuple[str, str | None]:
    """(message, error type) from an Anthropic or OpenAI error body."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = inner.get("message")
            kind = inner.get("type")
            return (str(message) if message else fallback), (str(kind) if kind else None)
        if isinstance(inner, str):
            return inner, None
    return fallback, None


def _scrub(text: str, key: str | None) -> str:
    # Shorter keys than the redactor's minimum are removed too; the mark is the store's and the log's.
    if key and len(key) >= 6:
        text = text.replace(key, REDACTED)
    return text


def map_error(exc: BaseException, ctx: ErrorContext) -> ProviderError:
    """The core error for ``exc`` (an SDK or httpx2 exception), its message redacted as a whole: the
    key may also sit in the base URL (some gateways take it in the path or query) or in a header."""
    error = _map_error(exc, ctx)
    clean = Redactor([ctx.api_key]).redact_text(error.message)
    if clean != error.message:
        error.message = clean
        error.args = (clean,)
    return error


def _map_error(exc: BaseException, ctx: ErrorContext) -> ProviderError:
    names = _class_names(exc, ctx.sdk_packages)
    common: dict[str, Any] = {"provider": ctx.provider, "partial_text": ctx.partial_text}
    if isinstance(exc, StreamErrorEvent):
        return _from_stream_error(exc, ctx, common)
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and "APIStatusError" in names and status != 200:
        return _from_status(exc, status, ctx, common)
    if "APIError" in names and not ({"APIConnectionError", "APIResponseValidationError"} & names):
        return _from_stream_error(exc, ctx, common)  # an error event inside a 200 stream
    where = ctx.base_url or f"the {ctx.provider} API"
    if _BAD_URL & (names | _class_names_of(exc.__cause__)):
        # The URL itself cannot be used: asking again cannot help, the configuration has to change.
        reason = _scrub(str(exc.__cause__ or exc), ctx.api_key)
        return ProviderError(
            f"the base URL of {ctx.provider} ({where}) is not a valid URL: {reason} "
            "(set one like https://host/v1)",
            **common,
        )
    if {"APITimeoutError", "TimeoutException"} & names:
        if ctx.started:
            return IncompleteStreamError(
                f"{ctx.provider} stopped sending for {ctx.idle_timeout:g} s in the middle of the answer",
                **common,
            )
        return ProviderConnectionError(
            f"no answer from {ctx.provider} ({where}) within {ctx.idle_timeout:g} s", **common
        )
    if {"APIConnectionError", "TransportError", "StreamError"} & names:
        if ctx.started:
            return IncompleteStreamError(
                f"the connection to {ctx.provider} dropped in the middle of the answer",
                **common,
            )
        reason = _scrub(str(getattr(exc, "__cause__", None) or exc), ctx.api_key)
        return ProviderConnectionError(f"cannot reach {ctx.provider} at {where}: {reason}", **common)
    return ProviderError(
        _scrub(f"{ctx.provider} request failed: {type(exc).__name__}: {exc}", ctx.api_key), **common
    )


def invalid_key(ctx: ErrorContext, common: dict[str, Any]) -> AuthenticationError:
    return AuthenticationError(f"invalid key for {ctx.provider} ({ctx.key_env})", **common)


def forbidden_key(ctx: ErrorContext, common: dict[str, Any]) -> AuthenticationError:
    return AuthenticationError(
        f"the key for {ctx.provider} ({ctx.key_env}) is not allowed to use this (403 permission denied)",
        **common,
    )


def model_missing(ctx: ErrorContext, message: str, common: dict[str, Any]) -> ModelNotFoundError:
    return ModelNotFoundError(f"model {ctx.model!r} not found at {ctx.provider}: {message}", **common)


def rate_limited(
    ctx: ErrorContext, message: str, wait: float | None, common: dict[str, Any], status: str = ""
) -> RateLimitError:
    """429: ``wait`` is the delay the server asked for (None: none); ``status`` its word for it, if any."""
    said = f" ({status})" if status else ""
    hint = f", retry after {wait:g} s" if wait is not None else ""
    text = f"rate limited by {ctx.provider}{said}{hint}: {message}"
    return RateLimitError(text, retry_after=wait, **common)


def _from_status(exc: BaseException, status: int, ctx: ErrorContext, common: dict[str, Any]) -> ProviderError:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    message, _kind = _server_message(getattr(exc, "body", None), str(getattr(exc, "message", "")))
    message = _scrub(message, ctx.api_key)
    common["status_code"] = status
    if status == 401:
        return invalid_key(ctx, common)
    if status == 403:
        return forbidden_key(ctx, common)
    if status == 404:
        return model_missing(ctx, message, common)
    if status == 429:
        return rate_limited(ctx, message, parse_retry_after(headers), common)
    if status in (400, 413, 422):
        return BadRequestError(f"{ctx.provider} rejected the request ({status}): {message}", **common)
    if status == 529 or status >= 500:
        return OverloadedError(
            f"{ctx.provider} is overloaded or failing ({status}): {message}",
            retry_after=parse_retry_after(headers),
            **common,
        )
    return ProviderError(f"{ctx.provider} answered {status}: {message}", **common)


def _from_stream_error(exc: BaseException, ctx: ErrorContext, common: dict[str, Any]) -> ProviderError:
    body = getattr(exc, "body", None)
    message, kind = _server_message(body, str(getattr(exc, "message", "") or exc))
    kind = kind or getattr(exc, "type", None)
    message = _scrub(message, ctx.api_key)
    text = f"{ctx.provider} reported an error mid-answer ({kind or 'error'}): {message}"
    if kind in ("overloaded_error", "api_error", "server_error"):
        return OverloadedError(text, **common)
    if kind in ("rate_limit_error", "rate_limit_exceeded", "requests", "tokens"):
        return RateLimitError(text, **common)
    if kind == "authentication_error":
        return invalid_key(ctx, common)
    if kind == "invalid_request_error":
        return BadRequestError(text, **common)
    return IncompleteStreamError(text, **common)


# -- a successful status with a body that is not an event stream --------------------------------------

EVENT_STREAM = "text/event-stream"
_BODY_PEEK = 4096


async def check_event_stream(response: Any, ctx: ErrorContext) -> None:
    """Raise a non-retryable error when a streamed request was answered with something else (a login
    page, a proxy's HTML, a JSON error with status 200): asking again gets the same page, and read as
    events it would look like an answer that broke off. No content type is let through."""
    media = str(response.headers.get("content-type") or "").split(";")[0].strip().lower()
    if not media or media == EVENT_STREAM:
        return
    body = b""
    try:
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= _BODY_PEEK:
                break
    except Exception:  # only for the message
        pass
    finally:
        await response.aclose()
    url = str(response.url).split("?", 1)[0]
    message = f"the endpoint at {url} answered with {media}, not an event stream: check the base URL"
    said = _said(body, media)
    if said:
        message += f" (it said: {said})"
    raise ProviderError(
        Redactor([ctx.api_key]).redact_text(message), provider=ctx.provider, status_code=response.status_code
    )


def _said(body: bytes, media: str) -> str | None:
    """The server's own message in a JSON body, cut short; nothing from HTML (markup, not words)."""
    if "json" not in media:
        return None
    import json

    try:
        parsed = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    message, _kind = _server_message(parsed, "")
    message = " ".join(message.split())
    return (message[:157] + "...") if len(message) > 160 else (message or None)
