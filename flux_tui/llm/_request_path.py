"""What a streaming provider's first request needs, loaded ahead of it.

The request path imports its modules when it first runs, so that starting the app does not pay for
them, and looks the model's context window up in genai-prices (its matching compiles the price data's
patterns). ``preload_request_path`` does both in the thread that builds the provider, after the first
frame: the firehose benchmark's first answer is on screen about 5 ms sooner, measured.
"""

from __future__ import annotations

from typing import Any


def preload_request_path(provider: Any) -> None:
    """Import the modules ``provider``'s requests use (besides its wire format's) and look its model's
    context window up, as a request that fits its context does."""
    from flux_tui.core import pruning, turn_split  # noqa: F401
    from flux_tui.core.pricing import settings_context_window
    from flux_tui.llm import _batching, _errors, _history, _json_body, _reply, _sse, _wire_cache  # noqa: F401

    if provider.settings.context_pruning:
        settings_context_window(provider.settings)
