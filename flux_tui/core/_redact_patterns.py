"""The shapes of secrets that ``core.redact`` recognises without being told the value.

Each pattern has a kind, named in the marker a tool result gets (``[redacted: Stripe key]``), so the
user sees what was held back. The patterns demand long, token-like values (or a telling label) so
ordinary prose and code survive untouched. They are written here as sources and compiled on first use
(``key_patterns``, ``labelled_patterns``): compiling them all takes about 3 ms, which the app's start
does not need before its first frame (nothing is redacted until then).

Each pattern also names its hints: lowercase literals, one of which every match contains. A text
holding none of them cannot match, so the pattern is not run on it (``folded``, ``may_match``). Running
every pattern over a long answer costs 35 ms per 100 kB, and an answer is redacted when its deltas are
stored, when its message is, and for the search index; with the hints it is about 3 ms.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

_NOT_TOKEN_BEFORE = r"(?<![A-Za-z0-9_\-])"

# Whole-match patterns: the match is the secret. PEM blocks come first, so their base64 body is removed
# whole rather than piece by piece.
_KEY_SOURCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "private key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY-----",
        ("-----begin",),
    ),
    # A block whose end was cut off (a paged read, a search hit): the BEGIN line and the base64 lines
    # after it (``read_file`` puts a line number and a tab before each).
    (
        "private key",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?:\s+(?:\d+\t)?[A-Za-z0-9+/=]{16,})*",
        ("-----begin",),
    ),
    ("Anthropic key", _NOT_TOKEN_BEFORE + r"sk-ant-[A-Za-z0-9_\-]{8,}", ("sk-ant-",)),
    ("API key", _NOT_TOKEN_BEFORE + r"sk-[A-Za-z0-9_\-]{20,}", ("sk-",)),  # OpenAI, DeepSeek, ...
    # Groq, xAI
    ("API key", _NOT_TOKEN_BEFORE + r"(?:gsk|xai|pplx)[_\-][A-Za-z0-9]{20,}", ("gsk", "xai", "pplx")),
    ("Google API key", _NOT_TOKEN_BEFORE + r"AIza[0-9A-Za-z_\-]{35}", ("aiza",)),
    (
        "GitHub token",
        _NOT_TOKEN_BEFORE + r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    ("Hugging Face token", _NOT_TOKEN_BEFORE + r"hf_[A-Za-z0-9]{30,}", ("hf_",)),
    ("AWS access key", r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])", ("akia", "asia")),
    # Stripe secret and restricted keys (publishable ``pk_`` keys are public by design).
    ("Stripe key", _NOT_TOKEN_BEFORE + r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", ("_live_", "_test_")),
    ("Slack token", _NOT_TOKEN_BEFORE + r"xox[abprs]-[A-Za-z0-9\-]{10,}", ("xox",)),
    ("Slack token", _NOT_TOKEN_BEFORE + r"xapp-\d-[A-Za-z0-9\-]{10,}", ("xapp-",)),
    # Header and payload of a JWT are base64 JSON objects, so both start with "eyJ" ('{"').
    ("JWT", _NOT_TOKEN_BEFORE + r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*", ("eyj",)),
)

# A credential after a label: token characters, with a digit somewhere (so "Bearer authentication" or
# "Authorization: required" in prose stay as they are).
_CREDENTIAL = r"(?=[A-Za-z0-9._~+/=\-]*\d)([A-Za-z0-9._~+/=\-]{8,})"

# Labelled patterns: group 1 (the label) is kept, group 2 (the value) is replaced.
_LABELLED_SOURCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Headers: "Authorization: Bearer x", "x-api-key: x", JSON {"x-api-key": "x"}.
    (
        "credential",
        (
            r"(?i)(\b(?:x-api-key|api-key|x-goog-api-key|proxy-authorization|authorization)[\"']?\s*[:=]\s*"
            r"[\"']?(?:bearer\s+|basic\s+|token\s+)?)" + _CREDENTIAL
        ),
        ("api-key", "authorization"),
    ),
    ("credential", r"(?i)(\bbearer\s+)" + _CREDENTIAL, ("bearer",)),
    # Quoted assignments: api_key = "....", "secret_key": "...."; only long literal values.
    (
        "credential",
        (
            r"(?i)(\b(?:api[_\-]?key|secret[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)"
            r"[\"']?\s*[:=]\s*[\"'])([^\"'\s]{12,})(?=[\"'])"
        ),
        tuple(
            f"{first}{joint}{second}"
            for first, second in (
                ("api", "key"),
                ("secret", "key"),
                ("access", "token"),
                ("auth", "token"),
                ("client", "secret"),
            )
            for joint in ("", "_", "-")
        ),
    ),
    # Quoted passwords: password = "hunter22", "passwd": "...".
    (
        "password",
        r"(?i)(\b(?:password|passwd)[\"']?\s*[:=]\s*[\"'])([^\"'\s]{6,})(?=[\"'])",
        ("password", "passwd"),
    ),
    # ~/.aws/credentials and the like: the 40-character secret after its label, quoted or not.
    (
        "AWS secret key",
        r"(?i)(\baws_secret_access_key[\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        ("aws_secret_access_key",),
    ),
    # Environment lines: OPENAI_API_KEY=..., GITHUB_TOKEN="..." (values carry a digit: not a name).
    (
        "credential",
        (
            r"(\b[A-Z][A-Z0-9_]*(?:API_KEY|SECRET_KEY|ACCESS_KEY|PRIVATE_KEY|_SECRET|_TOKEN|_PASSWORD)"
            r"\s*=\s*[\"']?)(?=[^\s\"']*\d)([A-Za-z0-9._~+/=\-]{12,})"
        ),
        ("api_key", "secret_key", "access_key", "private_key", "_secret", "_token", "_password"),
    ),
    # The password of a URL: scheme://user:PASSWORD@host (database URLs, git remotes, proxies).
    (
        "password",
        r"(?i)(\b[a-z][a-z0-9+.\-]*://[^\s:/@?#]+:)([^\s@/?#]+)(?=@)",
        ("://",),
    ),
)


# Characters that Python's case-insensitive matching takes for an ASCII letter although ``str.lower``
# does not map them to it (the dotted and dotless i, the long s); ``folded`` maps them first.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


class KeyPattern(NamedTuple):
    kind: str
    pattern: re.Pattern[str]
    hints: tuple[str, ...]  # lowercase literals; every match contains one

    def may_match(self, folded_text: str) -> bool:
        """False when ``folded_text`` (``folded`` of the text) holds none of the hints: no match."""
        return any(hint in folded_text for hint in self.hints)


def folded(text: str) -> str:
    """``text`` lowercased so that every hint of a match is found in it, whatever the match's case."""
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


@cache
def key_patterns() -> tuple[KeyPattern, ...]:
    """The whole-match patterns, in the order they apply."""
    return tuple(KeyPattern(kind, re.compile(source), hints) for kind, source, hints in _KEY_SOURCES)


@cache
def labelled_patterns() -> tuple[KeyPattern, ...]:
    """The labelled patterns, in the order they apply."""
    return tuple(KeyPattern(kind, re.compile(source), hints) for kind, source, hints in _LABELLED_SOURCES)
