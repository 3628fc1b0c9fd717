"""Skipping the key patterns whose hints a text lacks changes no redaction: the result is the one
every pattern run in turn gives, on random texts built from the patterns' own pieces and on the case
folds Python's matching accepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.core._redact_patterns import KeyPattern, folded, key_patterns, labelled_patterns
from flux_tui.core.redact import Redactor


def every_pattern(redactor: Redactor, text: str) -> str:
    """The shapes removed by running every pattern, hints or not."""
    for entry in key_patterns():
        text = entry.pattern.sub(redactor.marker(entry.kind), text)
    for entry in labelled_patterns():
        marker = redactor.marker(entry.kind)
        text = entry.pattern.sub(lambda m, marker=marker: m.group(1) + marker, text)
    return text


PIECES = [
    "sk-", "ant-", "api03-", "gsk_", "xai-", "pplx-", "AIza", "ghp_", "github_pat_", "hf_", "AKIA", "ASIA",
    "sk_live_", "rk_test_", "xoxb-", "xapp-1-", "eyJ", ".", "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----", "\n", "12\t", "x-api-key", "Authorization", ": ", "=", " = ", '"', "'",
    "Bearer ", "bearer ", "token ", "api_key", "ApiKey", "secret-key", "access_token", "AUTH_TOKEN",
    "client_secret", "password", "PASSWD", "aws_secret_access_key", "OPENAI_API_KEY", "GITHUB_TOKEN",
    "_PASSWORD", "postgres://", "user", ":", "@", "host", "abcdEFGH12345678", "QRSTUVWXYZ234567",
    "0123456789abcdefghij", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", " ", "prose ",
    "\u017f", "\u0130", "\u0131", "\u212a", "pa\u017fsword", "Authorızation", "BEARER", "é",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24), st.booleans())
def test_hints_never_change_what_is_removed(pieces: list[str], named: bool) -> None:
    redactor = Redactor(named=named)
    text = "".join(pieces)
    assert redactor.redact_text(text) == every_pattern(redactor, text)


@pytest.mark.parametrize(
    "text",
    [
        "pa\u017fsword = 'hunter22x'",  # the long s matches "s" case-insensitively
        "Authorızation: Bearer abcdef123456",  # the dotless i matches "i"
        "AUTHORİZATION: abcdef1234567",  # the dotted capital I matches "i"
        "x-api-\u212aey: abcdef1234567",  # the Kelvin sign matches "k"
    ],
)
def test_case_folds_of_a_label_are_still_redacted(text: str) -> None:
    redactor = Redactor()
    assert redactor.redact_text(text) == every_pattern(redactor, text) != text


@pytest.mark.parametrize("entry", [*key_patterns(), *labelled_patterns()], ids=lambda e: e.kind)
def test_every_pattern_has_lowercase_hints(entry: KeyPattern) -> None:
    assert entry.hints and all(hint == folded(hint) for hint in entry.hints)


def test_every_character_python_folds_to_an_ascii_letter_is_folded() -> None:
    letters = {c: re.compile("(?i)" + c) for c in "abcdefghijklmnopqrstuvwxyz"}
    for code in range(0x80, 0x110000):
        char = chr(code)
        for letter, pattern in letters.items():
            if pattern.fullmatch(char):
                assert letter in folded("x" + char + "x"), hex(code)


def test_an_answer_without_hints_is_not_scanned() -> None:
    text = "Plain prose about rendering a stream, with code `x = 1` and a table | a | b |. " * 50
    lowered = folded(text)
    assert not any(entry.may_match(lowered) for entry in [*key_patterns(), *labelled_patterns()])


# One match of each pattern, in the order of ``key_patterns()`` then ``labelled_patterns()``, with a
# variant of each label's spelling the pattern accepts.
MATCHES = [
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN EC PRIVATE KEY-----\n12\tMIIEvQIBADANBgkqhkiG9w0B",
    "sk-ant-api03-abcdefgh",
    "sk-proj-abcdefghij0123456789",
    "pplx-abcdefghij0123456789",
    "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
    "github_pat_abcdefghij0123456789abcdefghij",
    "hf_abcdefghij0123456789abcdefghij",
    "ASIAABCDEFGHIJKLMNOP",
    "rk_test_abcdefghij012345",
    "xoxp-0123456789-abc",
    "xapp-1-A0123456789-abc",
    "eyJhbGciOiJIUzI1.eyJzdWIiOiIx.abc",
    "Proxy-Authorization: Basic abcdef123456",
    "BeArEr abcdef123456",
    "client-secret = 'abcdefghijkl0123'",
    'passwd: "hunter22"',
    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "DB_PASSWORD=abcdefghij0123",
    "redis://default:hunter22x@cache:6379",
]


@pytest.mark.parametrize(
    ("entry", "text"), list(zip([*key_patterns(), *labelled_patterns()], MATCHES, strict=True)),
    ids=lambda value: getattr(value, "kind", "")
)
def test_each_pattern_still_removes_its_match(entry: KeyPattern, text: str) -> None:
    assert entry.pattern.search(text), text
    assert entry.may_match(folded(text))
    assert Redactor().redact_text(text) != text
