"""Removes API keys and auth headers from text before it leaves the process (sessions, exports, logs).

Two nets: the exact secret values the app knows (configured keys), and the shapes keys commonly have
(``sk-ant-...``, ``sk-...``, ``Bearer ...``, ``x-api-key: ...``). The patterns deliberately demand long
token-like values so ordinary prose and code survive untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from flux_tui.core._redact_patterns import folded, key_patterns, labelled_patterns

REDACTED = "[REDACTED]"

# Shorter "secrets" would blank out ordinary words (a test key "x", an empty string).
MIN_SECRET_LENGTH = 8

# The longest trailing token that ``unsafe_tail_start`` holds back; longer runs are not keys in practice.
MAX_HOLDBACK = 256

# Texts this long are remembered with their redaction (the last one): an answer's text is redacted as
# its message is stored and again for the search index, a few milliseconds each time for a long one.
REMEMBERED_LENGTH = 4096

# The shortest piece of a known secret ``redact_cut`` removes at a cut; shorter ones say nothing useful.
EDGE_FRAGMENT = 6

# Opaque provider blobs (signed thinking, encrypted reasoning): patterns could match inside random base64
# and corrupting them makes the provider reject the history, so only exact secrets are removed there.
OPAQUE_KEYS = frozenset({"signature", "redacted_data", "encrypted", "encrypted_content"})

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

    ``secrets`` may map each value to a label (where it comes from: ``OPENAI_API_KEY``). A ``named``
    redactor writes ``[redacted: LABEL]`` (or the kind of key a pattern found) instead of
    ``[REDACTED]``: tool results use it, so the user sees what was held back from the model.
    """

    def __init__(
        self,
        secrets: Iterable[str | None] | Mapping[str, str] = (),
        *,
        patterns: bool = True,
        named: bool = False,
    ) -> None:
        self._secrets: set[str] = set()
        self._labels: dict[str, str] = {}
        self._secret_re: re.Pattern[str] | None = None
        self._patterns = patterns
        self._named = named
        self._last: tuple[str, bool, str] | None = None  # (text, opaque, redacted): REMEMBERED_LENGTH
        self.add_secrets(secrets)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def add_secrets(self, secrets: Iterable[str | None] | Mapping[str, str]) -> None:
        self._last = None  # what it remembers may hold a secret (or a label) just learnt
        if isinstance(secrets, Mapping):
            for value, label in secrets.items():
                if value and label:
                    self._labels.setdefault(value, label)
        fresh = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH and s != REDACTED}
        if fresh - self._secrets:
            self._secrets |= fresh
            # Longest first so a key that contains another key is removed whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._secret_re = re.compile("|".join(re.escape(s) for s in ordered))

    def marker(self, kind: str) -> str:
        return f"[redacted: {kind}]" if self._named else REDACTED

    def _secret_marker(self, secret: str) -> str:
        return self.marker(self._labels.get(secret, "secret"))

    def redact_text(self, text: str, *, opaque: bool = False) -> str:
        if not text:
            return text
        if len(text) < REMEMBERED_LENGTH:
            return self._redacted(text, opaque)
        last = self._last  # one read: a recorder's thread may redact with this redactor too
        if last is not None and last[1] == opaque and last[0] == text:
            return last[2]
        redacted = self._redacted(text, opaque)
        self._last = (text, opaque, redacted)
        return redacted

    def _redacted(self, text: str, opaque: bool) -> str:
        if self._secret_re is not None:
            text = self._secret_re.sub(lambda m: self._secret_marker(m.group(0)), text)
        if self._patterns and not opaque:
            text = self._redact_shapes(text)
        return text

    def _redact_shapes(self, text: str) -> str:
        """The key-shaped strings removed; a pattern runs only where its hints occur (see
        ``_redact_patterns``), each on the text the patterns before it left."""
        lowered = folded(text)
        for entry in key_patterns():
            if entry.may_match(lowered):
                text, lowered = _applied(entry.pattern.sub(self.marker(entry.kind), text), text, lowered)
        for entry in labelled_patterns():
            if entry.may_match(lowered):
                marker = self.marker(entry.kind)
                new = entry.pattern.sub(lambda m, marker=marker: m.group(1) + marker, text)  # type: ignore[misc]
                text, lowered = _applied(new, text, lowered)
        return text

    def redact_cut(self, text: str) -> str:
        """``redact_text`` for text that may have been cut anywhere (tool output kept to a size).

        A known secret cut in two leaves its start at the end of one piece and its end at the start of
        the next: those fragments (``EDGE_FRAGMENT`` characters or more) are removed too.
        """
        text = self.redact_text(text)
        if not self._secrets:
            return text
        found = self._edge_fragment(text, at_end=True)
        if found is not None:
            text = text[: len(text) - len(found[0])] + self._secret_marker(found[1])
        found = self._edge_fragment(text, at_end=False)
        if found is not None:
            text = self._secret_marker(found[1]) + text[len(found[0]) :]
        return text

    def _edge_fragment(self, text: str, *, at_end: bool) -> tuple[str, str] | None:
        """The longest start of a secret that ends ``text`` (or end of one that starts it), and the secret."""
        best: tuple[str, str] | None = None
        for secret in self._secrets:
            for size in range(min(len(secret) - 1, len(text)), EDGE_FRAGMENT - 1, -1):
                if best is not None and size <= len(best[0]):
                    break
                piece = secret[:size] if at_end else secret[-size:]
                if text.endswith(piece) if at_end else text.startswith(piece):
                    best = (piece, secret)
                    break
        return best

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


def _applied(new: str, old: str, lowered: str) -> tuple[str, str]:
    """``new`` and its folded form (``lowered`` again when a pattern changed nothing)."""
    return (old, lowered) if new == old else (new, folded(new))


_DEFAULT = Redactor()


def compile_patterns() -> None:
    """Compile the key patterns now (about 2.5 ms), not in the first redaction (the first answer's)."""
    key_patterns()
    labelled_patterns()


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """One-off redaction of ``text`` (patterns plus the given secret values)."""
    redactor = Redactor(secrets) if secrets else _DEFAULT
    return redactor.redact_text(text)


_HEAD_TOKEN = re.compile(r"\A[A-Za-z0-9._~+/=\-]+")


def _in_token(text: str, index: int) -> bool:
    """Whether a cut before ``text[index]`` splits a run of token characters."""
    if index <= 0 or index >= len(text):
        return False
    return bool(_TAIL_TOKEN.search(text[index - 1])) and bool(_HEAD_TOKEN.match(text[index]))


def trim_cut_end(piece: str) -> str:
    """``piece`` was cut from a longer text at its end: without the trailing token the cut may have
    split (it could be half a key, which no pattern recognises). Runs longer than ``MAX_HOLDBACK`` are
    not keys and stay."""
    token = _TAIL_TOKEN.search(piece)
    if token is not None and len(piece) - token.start() <= MAX_HOLDBACK:
        return piece[: token.start()]
    return piece


def trim_cut_start(piece: str) -> str:
    """``piece`` was cut from a longer text at its start: the mirror of ``trim_cut_end``."""
    token = _HEAD_TOKEN.match(piece)
    if token is not None and token.end() <= MAX_HOLDBACK:
        return piece[token.end() :]
    return piece


def cut_head(text: str, size: int) -> str:
    """``text[:size]``, without the start of a token the cut would split (tools keeping output short)."""
    if len(text) <= size:
        return text
    return trim_cut_end(text[:size]) if _in_token(text, size) else text[:size]


def cut_tail(text: str, start: int) -> str:
    """``text[start:]``, without the end of a token the cut would split."""
    if start <= 0:
        return text
    return trim_cut_start(text[start:]) if _in_token(text, start) else text[start:]
