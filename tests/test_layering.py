"""Imports point down: core imports nothing of ours; llm/tools/sessions only core; services those four
(never the UI); none pulls in Textual.

Checked in fresh subprocesses so one test's imports cannot hide another's.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "flux_tui"

ALLOWED = {
    "core": {"core"},
    "llm": {"core", "llm"},
    "tools": {"core", "tools"},
    "sessions": {"core", "sessions"},
    "services": {"core", "llm", "tools", "sessions", "services"},
}


def _flux_imports(path: Path) -> set[str]:
    """Second-level flux_tui packages a module imports (flux_tui.core.x -> 'core')."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "flux_tui" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_point_down(package: str) -> None:
    offenders = {}
    for path in sorted((PACKAGE / package).rglob("*.py")):
        bad = _flux_imports(path) - ALLOWED[package]
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert offenders == {}


def test_lower_layers_do_not_import_textual_or_sdks() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import flux_tui\n"
        "for pkg in ('core', 'llm', 'tools', 'sessions', 'services'):\n"
        "    mod = importlib.import_module('flux_tui.' + pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print(sorted(m for m in ('textual', 'anthropic', 'openai') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
