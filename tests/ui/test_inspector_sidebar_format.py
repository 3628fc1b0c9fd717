"""Formatting rules shared by the widgets: tokens, money, durations."""

from __future__ import annotations

import pytest

from flux_tui.ui import format as fmt


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (None, "–"),
        (0, "0"),
        (999, "999"),
        (1000, "1k"),
        (1234, "1.2k"),
        (12_345, "12.3k"),
        (99_960, "100k"),
        (123_456, "123k"),
        (999_600, "1M"),
        (1_234_567, "1.23M"),
        (12_345_678, "12.3M"),
        (2_000_000_000, "2B"),
        (-1500, "-1.5k"),
    ],
)
def test_tokens(count: int | None, text: str) -> None:
    assert fmt.tokens(count) == text


def test_estimated_tokens_are_marked() -> None:
    assert fmt.estimated_tokens(1234, True) == "~1.2k"
    assert fmt.estimated_tokens(1234, False) == "1.2k"


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (None, "unpriced"),
        (0, "$0.00"),
        (0.00001, "<$0.0001"),
        (0.0123, "$0.0123"),
        (0.12345, "$0.1235"),
        (1.5, "$1.50"),
        (1234.5, "$1,234.50"),
    ],
)
def test_money(usd: float | None, text: str) -> None:
    assert fmt.money(usd) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (0.35, "350ms"), (2.44, "2.4s"), (65, "1m05s"), (3725, "1h02m")],
)
def test_duration(seconds: float | None, text: str) -> None:
    assert fmt.duration(seconds) == text


def test_percent_and_truncate() -> None:
    assert fmt.percent(0.456) == "46%"
    assert fmt.percent(None) == "–"
    assert fmt.truncate("abcdef", 10) == "abcdef"
    assert fmt.truncate("abcdef", 3) == "abc\n… (3 more characters)"


def test_diff_detection() -> None:
    assert fmt.looks_like_diff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    assert not fmt.looks_like_diff("$ ls -la\ncwd: /tmp")
