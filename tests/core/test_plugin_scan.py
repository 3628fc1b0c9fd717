"""The provider plug-ins found by reading only the distributions that declare the group are the ones
``importlib.metadata.entry_points(group=...)`` finds."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from flux_tui.core import provider_registry


def _dist(site: Path, name: str, entry_points_txt: str) -> None:
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(entry_points_txt)


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))  # searched before ``second``
    provider_registry.reset()
    yield first, second
    provider_registry.reset()


def test_the_plugins_are_those_entry_points_finds(sites: tuple[Path, Path]) -> None:
    first, second = sites
    group = provider_registry.GROUP
    _dist(first, "mixed", f"[console_scripts]\nmixed = mixed:main\n\n[{group}]\nzeta = mixed_mod:Zeta\n")
    _dist(first, "other_groups", "[console_scripts]\nother = other:main\n[flux_tui.extras]\nx = y:z\n")
    _dist(first, "Twice.Installed", f"[{group}]\ntwice = first_copy:P\n")
    _dist(second, "twice_installed", f"[{group}]\ntwice = second_copy:P\nonly_second = second_copy:Q\n")
    _dist(second, "alpha-plugin", f"[{group}]\nalpha = alpha_mod:A\n")
    # flux-tui's own kinds, in the metadata of an older install of it (an egg-info in a checkout), are
    # not plug-ins: the registry leaves them out, so the reference does too.
    reference = {
        entry.name: entry.value
        for entry in entry_points(group=group)
        if not entry.value.startswith(f"{provider_registry._OWN_PACKAGE}.")
    }
    found = provider_registry._plugins()
    assert found == {name: reference[name] for name in sorted(reference)}
    assert found == {
        "alpha": "alpha_mod:A",
        "twice": "first_copy:P",  # the copy first on the path; the second copy is not read
        "zeta": "mixed_mod:Zeta",
    }
    assert list(found) == ["alpha", "twice", "zeta"]
