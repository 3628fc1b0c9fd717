"""Which values are secrets, and where each comes from: the redactor tool results pass through.

Tool output reaches the model, so it is redacted before it enters the conversation, with every key the
app can know of: the configured providers' keys (fallbacks included), the environment's key variables
(what ``/proc/$PPID/environ`` would show a command), and the key shapes of ``core.redact``. Each value
is labelled with its source, so the model and the user see ``[redacted: OPENAI_API_KEY]``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flux_tui.core.redact import Redactor

#: Names of environment variables whose values are credentials (provider keys, tokens, passwords).
SECRET_ENV_NAME = re.compile(
    r"(?i)^(?:.*_)?(?:API_?KEY|AUTH_TOKEN|ACCESS_TOKEN|TOKEN|SECRET|SECRET_KEY|SECRET_ACCESS_KEY|"
    r"ACCESS_KEY|PRIVATE_KEY|PASSWORD|PASSWD)$"
)

#: Extra headers of a provider that carry credentials (others, like ``X-Title``, are ordinary text).
_SECRET_HEADER = re.compile(r"(?i)auth|key|token|secret|cookie")


def env_secrets(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{value: variable name}`` for the environment variables named like credentials."""
    env = os.environ if environ is None else environ
    # A value that is a path names where a secret is kept, not the secret (and would blank out paths).
    return {
        value: name
        for name, value in env.items()
        if value and not value.startswith(("/", "~")) and SECRET_ENV_NAME.match(name)
    }


def mcp_env_secrets(config: Any) -> dict[str, str]:
    """``{value: variable}`` of the credentials in ``[mcp_servers.NAME] env`` (a server's token)."""
    found: dict[str, str] = {}
    for server in (getattr(config, "mcp_servers", None) or {}).values():
        for value, name in env_secrets(getattr(server, "env", None) or {}).items():
            found.setdefault(value, name)
    return found


def configured_values(config: Any) -> Iterator[tuple[str, str, bool]]:
    """``(value, where it is configured, whether it is a credential)`` for every provider key and header
    value the config knows, then the top-level key settings; a header is a credential when its name says
    so (``Authorization``, ``X-Api-Key``...)."""
    names: list[str] = []
    with contextlib.suppress(Exception):
        names = list(config.provider_names())
    for name in names:
        try:
            resolved = config.provider_settings(name)
        except Exception:
            continue
        if resolved.api_key:
            yield resolved.api_key, resolved.api_key_env or f"{name} API key", True
        for header, value in (getattr(resolved, "extra_headers", None) or {}).items():
            if value:
                yield value, f"{name} header {header}", bool(_SECRET_HEADER.search(header))
    for field, label in (("anthropic_api_key", "ANTHROPIC_API_KEY"), ("openai_api_key", "OPENAI_API_KEY")):
        secret = getattr(config, field, None)
        value = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
        if value:
            yield str(value), label, True


def config_secret_labels(config: Any) -> dict[str, str]:
    """``{value: where it is configured}`` for every key of every provider the config knows."""
    found: dict[str, str] = {}
    for value, label, credential in configured_values(config):
        if credential:
            found.setdefault(value, label)
    for value, name in mcp_env_secrets(config).items():
        found.setdefault(value, name)
    return found


def tool_result_redactor(
    config: Any = None,
    *,
    environ: Mapping[str, str] | None = None,
    extra: Iterable[str | None] = (),
) -> Redactor:
    """The named redactor for what tools return: config keys, env key variables, ``extra``, patterns."""
    labels = config_secret_labels(config) if config is not None else {}
    for value, name in env_secrets(environ).items():
        labels.setdefault(value, name)
    for value in extra:
        if value:
            labels.setdefault(value, "API key")
    return Redactor(labels, named=True)
