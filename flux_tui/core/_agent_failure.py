"""What a failed turn tells the user: the error's message and what to do next."""

from __future__ import annotations

import logging

from flux_tui.core.agent_events import TurnFailed
from flux_tui.core.errors import (
    AuthenticationError,
    BadRequestError,
    ConfigError,
    FluxError,
    IncompleteStreamError,
    ModelNotFoundError,
    OverloadedError,
    ProviderConnectionError,
    RateLimitError,
)
from flux_tui.core.retry import MIDSTREAM_HINT

log = logging.getLogger("flux_tui.core.agent")  # the turn failed in the agent loop: say so in the log

_HINTS: list[tuple[type[Exception], str]] = [
    (AuthenticationError, "Check the API key for this provider (environment variable or flux.toml)."),
    (RateLimitError, "The provider is rate limiting: wait a moment, then /retry."),
    (OverloadedError, "The provider is overloaded: retry shortly or switch provider with /provider."),
    (ModelNotFoundError, "Pick another model with /model."),
    (
        BadRequestError,
        "The provider rejected the request. Your prompt is left out of the conversation: shorten it or "
        "pick another model with /model; /clear empties a history that grew too long.",
    ),
    (ProviderConnectionError, "Check the network or the provider's base URL, then retry."),
    (IncompleteStreamError, MIDSTREAM_HINT),
    (ConfigError, "Fix the configuration (flux.toml or environment) and try again."),
]


def failure_event(exc: Exception) -> TurnFailed:
    if not isinstance(exc, FluxError):
        log.error("unexpected error in a turn", exc_info=exc)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    hint = next((text for cls, text in _HINTS if isinstance(exc, cls)), None)
    if isinstance(exc, FluxError) and exc.hint:  # set by the layer that knows better
        hint = exc.hint
    elif isinstance(exc, ModelNotFoundError) and exc.available:
        hint = f"Pick another model with /model (available: {', '.join(exc.available[:10])})."
    if hint is None and not isinstance(exc, FluxError):
        hint = "This looks like a bug in flux-tui; the conversation is intact, you can retry."
    return TurnFailed(error=str(message), error_type=type(exc).__name__, hint=hint)
