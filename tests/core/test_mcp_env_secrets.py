"""A token in ``[mcp_servers.NAME] env`` is a secret like a provider key: redacted from tool results,
logs and sessions."""

from __future__ import annotations

from flux_tui.core.config import Config
from flux_tui.core.logging_setup import config_secrets
from flux_tui.core.secret_values import tool_result_redactor

TOKEN = "ghp_notarealtokenbutlongenough1234567890"


def test_mcp_server_tokens_are_redacted() -> None:
    config = Config(mcp_servers={"gh": {"command": "srv", "env": {"GITHUB_TOKEN": TOKEN, "LANG": "C.UTF-8"}}})
    assert TOKEN in config_secrets(config) and "C.UTF-8" not in config_secrets(config)
    redacted = tool_result_redactor(config, environ={}).redact_text(f"the token is {TOKEN}")
    assert TOKEN not in redacted and "GITHUB_TOKEN" in redacted
