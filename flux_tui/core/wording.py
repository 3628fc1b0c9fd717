"""Counts in messages, worded for their number: "1 model request", "2 model requests"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, the noun plural unless the count is one (``plural``: an irregular one)."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"
