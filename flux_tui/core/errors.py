"""Typed failures shared by every layer.

Providers translate SDK exceptions into these, so the agent loop and the UI can react (retry, fail over,
explain) without importing an SDK. Messages say what happened and what to do; they never contain a key.
"""

from __future__ import annotations


class FluxError(Exception):
    """Base class of every error flux-tui reports to the user.

    ``hint`` (optional, set by whoever knows best, e.g. the retry layer) says what to do next; the
    agent shows it instead of its generic hint for the error type.
    """

    hint: str | None = None


class ConfigError(FluxError):
    """Configuration is missing or invalid (a missing API key, a broken flux.toml...)."""


class ProviderError(FluxError):
    """A request to a model provider failed.

    ``retryable`` tells the agent loop whether trying again may help; ``partial_text`` keeps what the
    model had already streamed when the failure happened mid-answer.
    """

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status_code: int | None = None,
        retry_after: float | None = None,
        partial_text: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.retry_after = retry_after
        self.partial_text = partial_text


class AuthenticationError(ProviderError):
    """401/403: the key is missing, wrong or lacks permission."""


class RateLimitError(ProviderError):
    """429: too many requests; ``retry_after`` holds the server's hint in seconds when it gave one."""

    retryable = True


class OverloadedError(ProviderError):
    """529/overloaded_error or a 5xx: the provider is struggling; retrying later may work."""

    retryable = True


class BadRequestError(ProviderError):
    """400/422: the request was rejected as invalid."""


class ModelNotFoundError(ProviderError):
    """404 on the model: ``available`` lists models the provider does offer, when known."""

    def __init__(self, message: str, *, available: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.available = available or []


class ProviderConnectionError(ProviderError):
    """The network failed: refused, DNS, TLS, or a timeout before any answer."""

    retryable = True


class IncompleteStreamError(ProviderError):
    """The stream ended (or went idle) before the provider said the reply was complete."""

    retryable = True


class ToolInputError(FluxError):
    """A model sent tool arguments that are not valid JSON / not an object."""
