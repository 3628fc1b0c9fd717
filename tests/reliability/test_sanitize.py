"""``sanitize_prompt``: binary junk and terminal escapes out, text kept, huge pastes capped with a note."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flux_tui.core.sanitize import DEFAULT_MAX_PROMPT_CHARS, sanitize_prompt


def test_ordinary_text_is_untouched() -> None:
    text = "def f(x):\n\treturn x  # ünïcödé, emoji 🎉, CJK 漢字\n"
    clean = sanitize_prompt(text)
    assert clean.text == text
    assert not clean.changed and clean.notes == []


def test_controls_escapes_and_surrogates_are_removed() -> None:
    text = "a\x00b\x07c\x1b[31mred\x1b[0m\x1b]0;title\x07d\x7f\x85e\udcff\r\nnext\rline"
    clean = sanitize_prompt(text)
    assert clean.text == "abcredd" + "e\nnext\nline"
    assert clean.removed > 0 and not clean.binary
    assert clean.notes == [
        f"{clean.removed} characters of control codes or terminal escapes were removed from the prompt."
    ]
    json.dumps(clean.text).encode("utf-8")  # what a request body needs


def test_binary_junk_is_called_binary() -> None:
    junk = bytes(range(256)).decode("latin-1") * 40
    clean = sanitize_prompt(junk)
    assert clean.binary
    assert clean.notes[0].startswith("The pasted text looks like binary data:")
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in clean.text)


def test_huge_paste_is_capped_at_line_ends_with_a_note() -> None:
    line = "x" * 99 + "\n"
    paste = line * 50_000  # 5 MB
    clean = sanitize_prompt(paste, max_chars=10_000)
    kept, rest = clean.text.split("\n\n[… ", 1)
    marker, end = rest.split(" …]\n\n", 1)
    assert len(kept) + len(end) <= 10_000 and kept.endswith("x") and end.startswith("x")  # whole lines
    assert len(end) >= 2_000  # a quarter of the cap: the end of the prompt
    assert clean.truncated == len(paste) - len(kept) - len(end)
    assert marker == f"{clean.truncated:,} characters cut by flux-tui: the prompt was too long"
    assert clean.notes == [
        f"The prompt was too long: {clean.truncated:,} characters were cut out of its middle "
        "(its start and its end are sent)."
    ]


@pytest.mark.parametrize("size", [300_000, 5_000_000])  # cleaned whole; the middle never looked at
def test_what_is_typed_around_a_huge_paste_is_sent(size: int) -> None:
    paste = ("word " * 19 + "word\n") * (size // 100)
    clean = sanitize_prompt(f"Look at this log:\n{paste}\nsummarize this, please")
    assert clean.truncated > 0
    assert clean.text.startswith("Look at this log:\n") and clean.text.endswith("\nsummarize this, please")
    assert len(clean.text) <= DEFAULT_MAX_PROMPT_CHARS + 80


def test_default_cap() -> None:
    clean = sanitize_prompt("y" * (DEFAULT_MAX_PROMPT_CHARS + 5))
    assert clean.truncated == 5


@given(st.text())
def test_output_is_always_sendable(text: str) -> None:
    clean = sanitize_prompt(text, max_chars=500)
    clean.text.encode("utf-8")  # no lone surrogates
    assert not any(ch in clean.text for ch in "\x00\x1b\r")
    assert len(clean.text) <= 500 + 80
