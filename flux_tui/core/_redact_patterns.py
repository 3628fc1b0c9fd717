"""The shapes of secrets that ``core.redact`` recognises without being told the value.

Each pattern has a kind, named in the marker a tool result gets (``[redacted: Stripe key]``), so the
user sees what was held back. The patterns demand long, token-like values (or a telling label) so
ordinary prose and code survive untouched. They are written here as sources and compiled on first use
(``key_patterns``, ``labelled_patterns``): compiling them all takes about 3 ms, which the app's start
does not need before its first frame (nothing is redacted until then).
"""

from __future__ import annotations

import re
from functools import cache

_NOT_TOKEN_BEFORE = r"(?<![A-Za-z0-9_\-])"

# Whole-match patterns: the match is the secret. PEM blocks come first, so their base64 body is removed
# whole rather than piece by piece.
_KEY_SOURCES: tuple[tuple[str, str], ...] = (
    (
        "private key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY-----",
    ),
    # A block whose end was cut off (a paged read, a search hit): the BEGIN line and the base64 lines
    # after it (``read_file`` puts a line number and a tab before each).
    (
        "private key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?:\s+(?:\d+\t)?[A-Za-z0-9+/=]{16,})*",
    ),
    ("Anthropic key", _NOT_TOKEN_BEFORE + r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    ("API key", _NOT_TOKEN_BEFORE + r"sk-[A-Za-z0-9_\-]{20,}"),  # OpenAI, DeepSeek, ...
    ("API key", _NOT_TOKEN_BEFORE + r"(?:gsk|xai|pplx)[_\-][A-Za-z0-9]{20,}"),  # Groq, xAI
    ("Google API key", _NOT_TOKEN_BEFORE + r"AIza[0-9A-Za-z_\-]{35}"),
    (
        "GitHub token",
        _NOT_TOKEN_BEFORE + r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
    ),
    ("Hugging Face token", _NOT_TOKEN_BEFORE + r"hf_[A-Za-z0-9]{30,}"),
    ("AWS access key", r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])"),
    # Stripe secret and restricted keys (publishable ``pk_`` keys are public by design).
    ("Stripe key", _NOT_TOKEN_BEFORE + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("Slack token", _NOT_TOKEN_BEFORE + r"xox[abprs]-[A-Za-z0-9\-]{10,}"),
    ("Slack token", _NOT_TOKEN_BEFORE + r"xapp-\d-[A-Za-z0-9\-]{10,}"),
    # Header and payload of a JWT are base64 JSON objects, so both start with "eyJ" ('{"').
    ("JWT", _NOT_TOKEN_BEFORE + r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),
)

# A credential after a label: token characters, with a digit somewhere (so "Bearer authentication" or
# "Authorization: required" in prose stay as they are).
_CREDENTIAL = r"(?=[A-Za-z0-9._~+/=\-]*\d)([A-Za-z0-9._~+/=\-]{8,})"

# Labelled patterns: group 1 (the label) is kept, group 2 (the value) is replaced.
_LABELLED_SOURCES: tuple[tuple[str, str], ...] = (
    # Headers: "Authorization: Bearer x", "x-api-key: x", JSON {"x-api-key": "x"}.
    (
        "credential",
        (
            r"(?i)(\b(?:x-api-key|api-key|x-goog-api-key|proxy-authorization|authorization)[\"']?\s*[:=]\s*"
            r"[\"']?(?:bearer\s+|basic\s+|token\s+)?)" + _CREDENTIAL
        ),
    ),
    ("credential", r"(?i)(\bbearer\s+)" + _CREDENTIAL),
    # Quoted assignments: api_key = "....", "secret_key": "...."; only long literal values.
    (
        "credential",
        (
            r"(?i)(\b(?:api[_\-]?key|secret[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)"
            r"[\"']?\s*[:=]\s*[\"'])([^\"'\s]{12,})(?=[\"'])"
        ),
    ),
    # Quoted passwords: password = "hunter22", "passwd": "...".
    (
        "password",
        r"(?i)(\b(?:password|passwd)[\"']?\s*[:=]\s*[\"'])([^\"'\s]{6,})(?=[\"'])",
    ),
    # ~/.aws/credentials and the like: the 40-character secret after its label, quoted or not.
    (
        "AWS secret key",
        r"(?i)(\baws_secret_access_key[\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
    ),
    # Environment lines: OPENAI_API_KEY=..., GITHUB_TOKEN="..." (values carry a digit: not a name).
    (
        "credential",
        (
            r"(\b[A-Z][A-Z0-9_]*(?:API_KEY|SECRET_KEY|ACCESS_KEY|PRIVATE_KEY|_SECRET|_TOKEN|_PASSWORD)"
            r"\s*=\s*[\"']?)(?=[^\s\"']*\d)([A-Za-z0-9._~+/=\-]{12,})"
        ),
    ),
    # The password of a URL: scheme://user:PASSWORD@host (database URLs, git remotes, proxies).
    (
        "password",
        r"(?i)(\b[a-z][a-z0-9+.\-]*://[^\s:/@?#]+:)([^\s@/?#]+)(?=@)",
    ),
)


@cache
def key_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) of the whole-match patterns, in the order they apply."""
    return tuple((kind, re.compile(source)) for kind, source in _KEY_SOURCES)


@cache
def labelled_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) of the labelled patterns, in the order they apply."""
    return tuple((kind, re.compile(source)) for kind, source in _LABELLED_SOURCES)
