"""The nested tables of flux.toml: ``[providers.NAME]``, ``[models."ID"]``, ``[tools]``.

Each rejects unknown keys so a typo is reported (with its line) instead of silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

PolicyValue = Literal["ask", "allow", "deny"]

# Upper bounds of the numeric settings: far above any sensible value, low enough that a typo (an extra
# few zeros) is reported instead of making the app wait for days or retry forever.
MAX_RETRIES = 20
MAX_IDLE_TIMEOUT = 3600.0  # seconds of silence before a stream counts as stalled
MAX_COMMAND_TIMEOUT = 1800.0  # seconds a run_command may take (a model may ask for less, never more)
MAX_STEPS = 500  # model requests in one turn
MAX_OUTPUT_TOKENS = 1_000_000
MAX_CONTEXT_WINDOW = 100_000_000
MAX_BUDGET_USD = 1_000_000.0
MAX_PRICE = 100_000.0  # USD per million tokens

#: Reading never changes anything, so it runs without asking; everything that writes or executes asks.
DEFAULT_TOOL_POLICY: dict[str, PolicyValue] = {
    "read_file": "allow",
    "list_files": "allow",
    "search_files": "allow",
    "write_file": "ask",
    "edit_file": "ask",
    "run_command": "ask",
}


#: Files that usually hold secrets: reading them (read_file, or search_files on the file) asks first, even
#: when the tool is allowed, and a search of a directory leaves them out. Globs match the file name or
#: its path in the workspace (case-insensitive); a leading ``!`` exempts what it matches.
DEFAULT_SECRET_FILES: tuple[str, ...] = (
    ".env",
    ".env.*",
    "!.env.example",
    "!.env.sample",
    "!.env.template",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "id_*",
    "!id_*.*",  # id_rsa.pub is public; id_utils.py is code
    "*.ppk",
    "credentials",
    "credentials.json",
    ".aws/credentials",
    ".netrc",
    "_netrc",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".git-credentials",
    ".htpasswd",
    ".docker/config.json",
    "secrets.toml",
    "secrets.yaml",
    "secrets.yml",
    "secrets.json",
    "flux.toml",  # may hold api_key
)


def empty_list() -> list[Any]:
    """The default factory of the settings' lists. pydantic reads a default factory's signature (does
    it take the validated data?), and ``list``'s is a builtin's, parsed from its text: the first such
    parse compiles the tokenizer's expressions, 5 ms before the first frame (measured). A function's
    signature needs no parse."""
    return []


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Prices(_Strict):
    """USD per million tokens, for a model genai-prices does not know.

    ``cache_read`` / ``cache_write`` default to the input price when unset.
    """

    input: float = Field(ge=0, le=MAX_PRICE)
    output: float = Field(ge=0, le=MAX_PRICE)
    cache_read: float | None = Field(default=None, ge=0, le=MAX_PRICE)
    cache_write: float | None = Field(default=None, ge=0, le=MAX_PRICE)


class ModelSettings(_Strict):
    """``[models."MODEL_ID"]``: facts about one model, whichever provider serves it."""

    prices: Prices | None = None
    context_window: int | None = Field(default=None, gt=0, le=MAX_CONTEXT_WINDOW)


def _registered_kind(kind: str | None) -> str | None:
    from flux_tui.core import provider_registry

    kinds = provider_registry.kinds()
    if kind is not None and kind not in kinds:
        listing = ", ".join(repr(k) for k in kinds[:-1]) + f" or {kinds[-1]!r}" if kinds else "none"
        raise ValueError(f"Input should be a registered provider kind: {listing}")
    return kind


class NamedProvider(_Strict):
    """``[providers.NAME]``: an extra endpoint, or settings of a registered provider (``anthropic``,
    ``openai``, ``gemini``, a plug-in's name).

    ``kind`` picks the implementation (a registered provider kind, checked when the provider is
    resolved); it defaults to ``openai`` (what most compatible servers speak) and is fixed for the
    registered names.
    """

    kind: Annotated[str | None, AfterValidator(_registered_kind)] = None
    base_url: str | None = None
    api_key_env: str | None = None  # the name of the environment variable that holds the key
    api_key: SecretStr | None = None  # allowed, but a key in a file is easy to leak: prefer api_key_env
    model: str | None = None
    models: list[str] = Field(default_factory=empty_list)
    context_window: int | None = Field(default=None, gt=0, le=MAX_CONTEXT_WINDOW)
    max_tokens: int | None = Field(default=None, gt=0, le=MAX_OUTPUT_TOKENS)
    temperature: float | None = Field(default=None, ge=0, le=2)
    prices: Prices | None = None  # applies to every model of this provider without its own [models] entry
    headers: dict[str, str] = Field(default_factory=dict)  # extra HTTP headers (OpenRouter's X-Title...)
    settings: dict[str, Any] = Field(default_factory=dict)  # the provider kind's own settings


def _with_default_policy(policy: dict[str, PolicyValue]) -> dict[str, PolicyValue]:
    # A user table sets some tools; the others keep their defaults instead of vanishing.
    return {**DEFAULT_TOOL_POLICY, **policy}


class ToolsConfig(_Strict):
    """``[tools]``: approval policy per tool and limits of the agent loop."""

    policy: Annotated[dict[str, PolicyValue], AfterValidator(_with_default_policy)] = Field(
        default_factory=lambda: dict(DEFAULT_TOOL_POLICY)
    )
    max_steps: int = Field(default=25, ge=1, le=MAX_STEPS)
    command_timeout: float = Field(default=120.0, gt=0, le=MAX_COMMAND_TIMEOUT)
    secret_files: list[str] = Field(default_factory=lambda: list(DEFAULT_SECRET_FILES))
