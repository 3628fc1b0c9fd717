"""``sanitize_prompt``: binary junk and terminal escapes out, text kept, huge pastes capped with a note."""

from __future__ import annotations

import json
import unicodedata

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


def test_huge_paste_is_capped_at_a_line_end_with_a_note() -> None:
    line = "x" * 99 + "\n"
    paste = line * 50_000  # 5 MB
    clean = sanitize_prompt(paste, max_chars=10_000)
    kept, marker = clean.text.split("\n\n[… ", 1)
    assert len(kept) <= 10_000 and kept.endswith("x")  # whole lines only
    assert clean.truncated == len(paste) - len(kept)
    assert marker.startswith(f"{clean.truncated:,} characters cut by flux-tui")
    assert clean.notes == [f"The prompt was too long: the last {clean.truncated:,} characters were cut."]


def test_default_cap() -> None:
    clean = sanitize_prompt("y" * (DEFAULT_MAX_PROMPT_CHARS + 5))
    assert clean.truncated == 5


@given(st.text())
def test_output_is_always_sendable(text: str) -> None:
    clean = sanitize_prompt(text, max_chars=500)
    clean.text.encode("utf-8")  # no lone surrogates
    assert not any(ch in clean.text for ch in "\x00\x1b\r")
    assert len(clean.text) <= 500 + 80
