"""Applying the Textual patches reads Textual's version from the package metadata once, not once per
patch: each read scans the installed distributions (a millisecond or more, before the first frame)."""

from __future__ import annotations

import pytest

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the patches)
from flux_tui.ui import textual_patches


def test_the_version_is_read_once_for_all_the_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    for patch in textual_patches.PATCHES:
        monkeypatch.setattr(patch.owner, patch.attribute, patch.original)
    reads: list[str] = []
    real = textual_patches.textual_version()

    def counted() -> str:
        reads.append(real)
        return real

    monkeypatch.setattr(textual_patches, "textual_version", counted)
    assert len(textual_patches.PATCHES) > 1
    textual_patches.apply()
    assert len(reads) == 1
