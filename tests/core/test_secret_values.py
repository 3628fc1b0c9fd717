"""Which values the tool-result redactor knows, and the name each is shown under."""

from __future__ import annotations

from core_sandbox import ConfigEnv

from flux_tui.core.config import Config
from flux_tui.core.secret_values import config_secret_labels, env_secrets, tool_result_redactor

ROUTER_KEY = "or-key-0123456789abcdef"


def test_env_variables_named_like_credentials() -> None:
    environ = {
        "ANTHROPIC_API_KEY": "sk-ant-api03-abcdefgh12345678",
        "GITHUB_TOKEN": "gho_abcdefgh12345678",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "DB_PASSWORD": "hunter2hunter2",
        "GOOGLE_APPLICATION_TOKEN": "/home/me/token.json",  # a path to a secret, not one
        "PATH": "/usr/bin:/bin",
        "HOME": "/root",
        "EMPTY_TOKEN": "",
    }
    assert env_secrets(environ) == {
        "sk-ant-api03-abcdefgh12345678": "ANTHROPIC_API_KEY",
        "gho_abcdefgh12345678": "GITHUB_TOKEN",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": "AWS_SECRET_ACCESS_KEY",
        "hunter2hunter2": "DB_PASSWORD",
    }


def test_config_keys_are_named_after_where_they_come_from(cfg_env: ConfigEnv) -> None:
    cfg_env.monkeypatch.setenv("ROUTER_KEY", ROUTER_KEY)
    config = Config(
        anthropic_api_key="sk-ant-configured-12345678",
        providers={
            "router": {
                "base_url": "http://localhost:1/v1",
                "api_key_env": "ROUTER_KEY",
                "model": "m",
                "headers": {"X-Title": "flux-tui-app", "X-Auth-Token": "hdr-secret-12345678"},
            }
        },
    )
    labels = config_secret_labels(config)
    assert labels["sk-ant-configured-12345678"] == "ANTHROPIC_API_KEY"
    assert labels[ROUTER_KEY] == "ROUTER_KEY"
    assert labels["hdr-secret-12345678"] == "router header X-Auth-Token"
    assert "flux-tui-app" not in labels  # an ordinary header is ordinary text
    redactor = tool_result_redactor(config, environ={})
    cleaned = redactor.redact_cut(f"k={ROUTER_KEY} by flux-tui-app")
    assert cleaned == "k=[redacted: ROUTER_KEY] by flux-tui-app"
