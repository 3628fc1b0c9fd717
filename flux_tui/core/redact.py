"""Removes API keys and auth headers from text before it leaves the process (sessions, exports, logs).

Two nets: the exact secret values the app knows (configured keys), and the shapes keys commonly have
(``sk-ant-...``, ``sk-...``, ``Bearer ...``, ``x-api-key: ...``). The patterns deliberately demand long
token-like values so ordinary prose and code survive untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

REDACTED = "[REDACTED]"

# Shorter "secrets" would blank out ordinary words (a test key "x", an empty string).
MIN_SECRET_LENGTH = 8

# The longest trailing token that ``unsafe_tail_start`` holds back; longer runs are not keys in practice.
MAX_HOLDBACK = 256

# Opaque provider blobs (signed thinking, encrypted reasoning): patterns could match inside random base64
# and corrupting them makes the provider reject the history, so only exact secrets are removed there.
OPAQUE_KEYS = frozenset({"signature", "redacted_data", "encrypted", "encrypted_content"})

_NOT_TOKEN_BEFORE = r"(?<![A-Za-z0-9_\-])"

# Whole-match patterns: the match is the key.
KEY_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(_NOT_TOKEN_BEFORE + r"sk-ant-[A-Za-z0-9_\-]{8,}"),  # Anthropic
    re.compile(_NOT_TOKEN_BEFORE + r"sk-[A-Za-z0-9_\-]{20,}"),  # OpenAI, DeepSeek, OpenRouter, ...
    re.compile(_NOT_TOKEN_BEFORE + r"(?:gsk|xai|pplx)[_\-][A-Za-z0-9]{20,}"),  # Groq, xAI, Perplexity
    re.compile(_NOT_TOKEN_BEFORE + r"AIza[0-9A-Za-z_\-]{35}"),  # Google
    re.compile(_NOT_TOKEN_BEFORE + r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
    re.compile(_NOT_TOKEN_BEFORE + r"hf_[A-Za-z0-9]{30,}"),  # Hugging Face
    re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])"),  # AWS access key id
)

# A credential after a label: token characters, with a digit somewhere (so "Bearer authentication" or
# "Authorization: required" in prose stay as they are).
_CREDENTIAL = r"(?=[A-Za-z0-9._~+/=\-]*\d)([A-Za-z0-9._~+/=\-]{8,})"

# Labelled patterns: group 1 (the label) is kept, group 2 (the value) is replaced.
LABELLED_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Headers: "Authorization: Bearer x", "x-api-key: x", JSON {"x-api-key": "x"}.
    re.compile(
        r"(?i)(\b(?:x-api-key|api-key|x-goog-api-key|proxy-authorization|authorization)[\"']?\s*[:=]\s*"
        r"[\"']?(?:bearer\s+|basic\s+|token\s+)?)" + _CREDENTIAL
    ),
    re.compile(r"(?i)(\bbearer\s+)" + _CREDENTIAL),
    # Quoted assignments: api_key = "....", "secret_key": "...."; only long literal values.
    re.compile(
        r"(?i)(\b(?:api[_\-]?key|secret[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)"
        r"[\"']?\s*[:=]\s*[\"'])([^\"'\s]{12,})(?=[\"'])"
    ),
    # Environment lines: OPENAI_API_KEY=..., GITHUB_TOKEN="..." (values carry a digit: not a name).
    re.compile(
        r"(\b[A-Z][A-Z0-9_]*(?:API_KEY|_SECRET|_TOKEN|_PASSWORD)\s*=\s*[\"']?)"
        r"(?=[^\s\"']*\d)([A-Za-z0-9._~+/=\-]{12,})"
    ),
)

_TAIL_TOKEN = re.compile(r"[A-Za-z0-9._~+/=\-]+\Z")
_TAIL_LABEL = re.compile(
    r"(?i)(?:x-(?:goog-)?)?(?:bearer|basic|authorization|api[_\-]?key|token|secret|password)[\"']?\s*[:=]?\s*[\"']?"
    r"(?:bearer\s*)?\Z"
)

T = TypeVar("T")


class Redactor:
    """Replaces known secrets and key-shaped strings with ``[REDACTED]``.

    ``redact`` walks dicts/lists (values only; dict keys are field names); ``redact_text`` handles one
    string. Both are idempotent, so layers may redact again without harm.
    """

    def __init__(self, secrets: Iterable[str | None] = (), *, patterns: bool = True) -> None:
        self._secrets: set[str] = set()
        self._secret_re: re.Pattern[str] | None = None
        self._patterns = patterns
        self.add_secrets(secrets)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def add_secrets(self, secrets: Iterable[str | None]) -> None:
        fresh = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH and s != REDACTED}
        if fresh - self._secrets:
            self._secrets |= fresh
            # Longest first so a key that contains another key is removed whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._secret_re = re.compile("|".join(re.escape(s) for s in ordered))

    def redact_text(self, text: str, *, opaque: bool = False) -> str:
        if not text:
            return text
        if self._secret_re is not None:
            text = self._secret_re.sub(REDACTED, text)
        if self._patterns and not opaque:
            for pattern in KEY_PATTERNS:
                text = pattern.sub(REDACTED, text)
            for pattern in LABELLED_PATTERNS:
                text = pattern.sub(_keep_label, text)
        return text

    def redact(self, value: T) -> T:
        return self._walk(value, opaque=False)  # type: ignore[no-any-return]

    def _walk(self, value: Any, *, opaque: bool) -> Any:
        if isinstance(value, str):
            return self.redact_text(value, opaque=opaque)
        if isinstance(value, dict):
            return {k: self._walk(v, opaque=opaque or k in OPAQUE_KEYS) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v, opaque=opaque) for v in value]
        if isinstance(value, tuple):
            return tuple(self._walk(v, opaque=opaque) for v in value)
        return value

    def unsafe_tail_start(self, text: str) -> int:
        """Where the end of a still-growing text might be the start of a key; ``len(text)`` if nowhere.

        A streamed answer is written in pieces; holding back the tail from here until more text (or the
        end of the block) arrives means a key split across two writes is still seen, and removed, whole.
        """
        end = len(text)
        start = end
        token = _TAIL_TOKEN.search(text)
        if token is not None and end - token.start() <= MAX_HOLDBACK:
            start = token.start()
        label = _TAIL_LABEL.search(text, 0, start)
        if label is not None and end - label.start() <= MAX_HOLDBACK:
            start = label.start()
        for secret in self._secrets:
            for size in range(min(len(secret) - 1, end), 0, -1):
                if text.endswith(secret[:size]):
                    start = min(start, end - size)
                    break
        return start


def _keep_label(match: re.Match[str]) -> str:
    return match.group(1) + REDACTED


_DEFAULT = Redactor()


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """One-off redaction of ``text`` (patterns plus the given secret values)."""
    redactor = Redactor(secrets) if secrets else _DEFAULT
    return redactor.redact_text(text)
