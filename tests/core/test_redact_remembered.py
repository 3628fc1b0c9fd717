"""A long text redacted again (an answer's message, then its search text) is not scanned again, and
what is remembered never outlives a secret the redactor learns."""

from __future__ import annotations

import pytest

from flux_tui.core import redact
from flux_tui.core.redact import REMEMBERED_LENGTH, Redactor

LONG = "word " * (REMEMBERED_LENGTH // 5 + 1) + "key sk-ant-abcdefghijklmnop0123 end"


def count_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    scans: list[str] = []
    original = redact.folded

    def counting(text: str) -> str:
        scans.append(text)
        return original(text)

    monkeypatch.setattr(redact, "folded", counting)
    return scans


def test_the_same_long_text_is_scanned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scans = count_scans(monkeypatch)
    redactor = Redactor()
    first = redactor.redact_text(LONG)
    assert "sk-ant-abcdefghijklmnop0123" not in first
    scanned = len(scans)
    assert redactor.redact_text("".join(LONG.split("|"))) == first  # equal, not the same object
    assert len(scans) == scanned
    assert redactor.redact_text(LONG, opaque=True) == LONG  # opaque blobs: patterns not applied


def test_short_texts_are_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    scans = count_scans(monkeypatch)
    redactor = Redactor()
    redactor.redact_text("short text")
    scanned = len(scans)
    redactor.redact_text("short text")
    assert len(scans) == 2 * scanned


def test_a_secret_learnt_later_is_removed_from_a_remembered_text() -> None:
    redactor = Redactor()
    text = LONG + " and my-private-value-123"
    assert "my-private-value-123" in redactor.redact_text(text)
    redactor.add_secrets(["my-private-value-123"])
    assert "my-private-value-123" not in redactor.redact_text(text)
