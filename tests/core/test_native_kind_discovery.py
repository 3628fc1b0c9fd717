"""A native provider kind is its own modules: the registry finds its ``<kind>_declaration`` module by
listing the package's folder (no list of kinds to edit), in the modules' ``MENU_ORDER``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flux_tui.core import provider_registry


@pytest.fixture
def kinds_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    package = tmp_path / "own_kinds"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(provider_registry, "OWN_PACKAGE_OF_KINDS", "own_kinds")
    provider_registry.reset()
    yield package
    provider_registry.reset()


def _declare(package: Path, kind: str, order: int) -> None:
    (package / f"{kind}_declaration.py").write_text(
        "from flux_tui.core.providers import ProviderSpec\n"
        f"DECLARATION = ProviderSpec(kind={kind!r}, label={kind.title()!r}, target='x:Y')\n"
        f"MENU_ORDER = {order}\n"
    )


def test_a_kind_is_found_by_its_declaration_module_alone(kinds_package: Path) -> None:
    _declare(kinds_package, "zeta", 1)
    _declare(kinds_package, "alpha", 2)
    (kinds_package / "alpha_provider.py").write_text("raise AssertionError('never imported')\n")
    (kinds_package / "notes.py").write_text("raise AssertionError('never imported')\n")
    assert provider_registry.declaration_modules() == [
        "own_kinds.alpha_declaration",
        "own_kinds.zeta_declaration",
    ]
    assert [spec.kind for spec in provider_registry.built_in()] == ["zeta", "alpha"]
    assert provider_registry.spec("alpha") is not None and provider_registry.spec("alpha").label == "Alpha"


def test_flux_tui_s_own_kinds_are_in_their_menu_order() -> None:
    assert [spec.kind for spec in provider_registry.built_in()] == ["anthropic", "openai", "gemini"]
    assert provider_registry.declaration_modules() == [
        "flux_tui.llm.anthropic_declaration",
        "flux_tui.llm.gemini_declaration",
        "flux_tui.llm.openai_declaration",
    ]
