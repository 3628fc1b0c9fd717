"""The key shapes redaction knows, the named markers tool results get, and cuts that split a key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.core.redact import (
    EDGE_FRAGMENT,
    MAX_HOLDBACK,
    REDACTED,
    Redactor,
    cut_head,
    cut_tail,
    redact_text,
    trim_cut_end,
    trim_cut_start,
)

PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1G"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("STRIPE=sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "STRIPE="),
        ("rk_live_" + "51H8abcdefGHIJKLmnop", ""),
        ("stripe test key sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc", "stripe test key "),
        ("SLACK xoxb-" + "1234567890-0987654321-AbCdEfGhIjKl", "SLACK "),
        ("xoxp-" + "11111111111-22222222222", ""),
        ("app token xapp-1-" + "A0123456789-abcdefABCDEF", "app token "),
        ("AKIA" + "IOSFODNN7EXAMPLE", ""),
        (f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----", ""),
        (f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}", ""),  # the end was cut off
        (f"Authorization: {JWT}", "Authorization: "),
        (JWT, ""),
        ("ghp_" + "aB3" * 12, ""),
        ("github_pat_" + "11ABCDEFG0" * 4, ""),
        ("AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", ""),
        ("sk-ant-api03-" + "x1Y2" * 10, ""),
        ("sk-proj-" + "abcd1234" * 4, ""),
    ],
)
def test_key_shapes_are_removed(text: str, kept: str) -> None:
    out = redact_text(text)
    assert out.startswith(kept)
    assert REDACTED in out
    assert out == kept + REDACTED or out.endswith(REDACTED)
    assert redact_text(out) == out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            f"aws_secret_access_key = {REDACTED}",
        ),
        (
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            f"AWS_SECRET_ACCESS_KEY={REDACTED}",
        ),
        ("DATABASE_URL=postgres://app:hunter2pass@db:5432/app", f"DATABASE_URL=postgres://app:{REDACTED}@db:5432/app"),
        ("git remote https://bob:s3cr3t@github.com/x/y.git", f"git remote https://bob:{REDACTED}@github.com/x/y.git"),
        ('password = "hunter22"', f'password = "{REDACTED}"'),
        ("DJANGO_SECRET_KEY=django-insecure-0123456789abcdef", f"DJANGO_SECRET_KEY={REDACTED}"),
    ],
)
def test_labelled_secrets_keep_their_label(text: str, expected: str) -> None:
    assert redact_text(text) == expected
    assert redact_text(expected) == expected


@pytest.mark.parametrize(
    "text",
    [
        "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",  # publishable: public by design
        "see https://example.com:8080/path and ssh://git@github.com/x.git",
        "-----BEGIN PUBLIC KEY-----",
        "password = get_password()",
        "the skeleton key opened the door; xoxo",
        "eyJust kidding. eyJ",
    ],
)
def test_lookalikes_survive(text: str) -> None:
    assert redact_text(text) == text


def test_named_markers_say_what_was_removed() -> None:
    redactor = Redactor({"nk-0123456789abcdef": "OPENROUTER_KEY"}, named=True)
    text = "key nk-0123456789abcdef and sk_live_4eC39HqLyjWDarjtT1zdp7dc and x-api-key: abc123456789"
    assert redactor.redact_text(text) == (
        "key [redacted: OPENROUTER_KEY] and [redacted: Stripe key] and x-api-key: [redacted: credential]"
    )
    assert Redactor(["nk-0123456789abcdef"], named=True).redact_text("nk-0123456789abcdef") == (
        "[redacted: secret]"
    )
    assert redactor.redact_text(redactor.redact_text(text)) == redactor.redact_text(text)


# -- cuts ------------------------------------------------------------------------------------------

HEX = "0123456789ABCDEF"
# Text around the key shares no character with it, so any piece of the key in the output is a leak.
AROUND = st.text(alphabet="ghijklmnopqrstuvwxyz .,;:\n\t()[]", max_size=40)
KEYS = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["sk-ant-api03-", "sk-proj-", "nk_", ""]),
    st.text(alphabet=HEX, min_size=24, max_size=80),
)


def _leaked(out: str, key: str) -> list[str]:
    size = EDGE_FRAGMENT
    return [key[i : i + size] for i in range(len(key) - size + 1) if key[i : i + size] in out]


@settings(max_examples=300, deadline=None)
@given(key=KEYS, before=AROUND, after=AROUND, data=st.data())
def test_a_key_cut_at_any_point_never_leaks(key: str, before: str, after: str, data: st.DataObject) -> None:
    redactor = Redactor({key: "OPENAI_API_KEY"}, named=True)
    text = before + key + after
    cut = data.draw(st.integers(0, len(text)))
    for piece in (text[:cut], text[cut:]):
        out = redactor.redact_cut(piece)
        assert _leaked(out, key) == [], (piece, out)


@settings(max_examples=300, deadline=None)
@given(key=KEYS, before=AROUND, after=AROUND)
def test_text_around_a_key_is_kept_exactly(key: str, before: str, after: str) -> None:
    redactor = Redactor({key: "OPENAI_API_KEY"}, named=True)
    assert redactor.redact_cut(before + after) == before + after
    assert redactor.redact_cut(before + key + after) == before + "[redacted: OPENAI_API_KEY]" + after


@settings(max_examples=200, deadline=None)
@given(key=KEYS, before=AROUND, after=AROUND, data=st.data())
def test_cutting_tool_output_never_splits_a_key(
    key: str, before: str, after: str, data: st.DataObject
) -> None:
    text = before + key + after
    cut = data.draw(st.integers(0, len(text)))
    head, tail = cut_head(text, cut), cut_tail(text, cut)
    for piece in (head, tail):
        assert key in piece or _leaked(piece, key) == []
    assert text.startswith(head) and text.endswith(tail)
    # Only the token the cut went through is dropped, and a token never longer than MAX_HOLDBACK.
    assert len(head) >= cut - MAX_HOLDBACK and len(tail) >= len(text) - cut - MAX_HOLDBACK


def test_cuts_between_tokens_change_nothing() -> None:
    assert cut_head("alpha beta", 6) == "alpha "
    assert cut_head("alpha beta", 7) == "alpha "
    assert cut_tail("alpha beta", 5) == " beta"
    assert cut_tail("alpha beta", 7) == ""
    assert trim_cut_end("done sk-ant-api03-AB") == "done "
    assert trim_cut_start("CDEF== tail") == " tail"
    long_run = "x" * 400
    assert cut_head(long_run, 300) == "x" * 300  # a run this long is data, not a key
