"""The sidebar's context window is the one the requests are fitted into: on an OpenAI-compatible
endpoint, the endpoint's own (genai-prices knows DeepSeek's by its URL), not OpenAI's."""

from __future__ import annotations

import socket
from typing import Any

from ui_pilot import SIZE, wait_until

from flux_tui.core.pricing import settings_context_window
from flux_tui.services.providers import ProviderService


async def test_the_sidebar_shows_the_window_of_the_configured_endpoint(
    make_app: Any, monkeypatch: Any
) -> None:
    connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ("127.0.0.1", "::1"):
            raise OSError(f"a test reached for {address[0]}")
        return connect(self, address)

    async def nothing_listed(self: ProviderService, provider: Any) -> list[str]:
        return []

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    monkeypatch.setattr(ProviderService, "load_models", nothing_listed)
    app = make_app(provider="openai", model="deepseek-chat", openai_base_url="https://api.deepseek.com/v1")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.context_window is not None)
        assert app.context_window == 64_000
        assert settings_context_window(app.agent.provider.settings) == app.context_window
