"""flux-tui installs as a package: every package it imports is declared, the lock file matches the
declared dependencies, one version, a licence, and the README's developer commands are the ones CI runs."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import flux_tui

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return _normal(match.group())


def _imported_top_level_modules() -> dict[str, str]:
    """Top-level modules imported anywhere in flux_tui, each with one file importing it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "flux_tui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_declared() -> None:
    declared = {_requirement_name(requirement) for requirement in PROJECT["dependencies"]}
    distributions = metadata.packages_distributions()
    undeclared = []
    for module, where in _imported_top_level_modules().items():
        if module in sys.stdlib_module_names or module in ("flux_tui", "__future__"):
            continue
        providers = {_normal(name) for name in distributions.get(module, [])}
        if not providers & declared:
            undeclared.append(f"{module} ({where}; from {sorted(providers) or 'nothing installed'})")
    assert undeclared == [], "imported but not in [project] dependencies: " + ", ".join(undeclared)


def _requirement(requirement: str, marker: str = "") -> tuple[str, frozenset[str], str]:
    name = _requirement_name(requirement)
    specifier = re.sub(r"\s", "", requirement.split("#")[0])[len(name) :]
    return name, frozenset(specifier.split(",")) - {""}, marker


def test_the_lock_file_holds_exactly_the_declared_dependencies() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (ours,) = [package for package in lock["package"] if package["name"] == "flux-tui"]
    locked = {
        _requirement(entry["name"] + entry.get("specifier", ""), entry.get("marker", ""))
        for entry in ours["metadata"]["requires-dist"]
    }
    declared = {_requirement(requirement) for requirement in PROJECT["dependencies"]}
    for extra, requirements in PROJECT["optional-dependencies"].items():
        declared |= {_requirement(requirement, f"extra == '{extra}'") for requirement in requirements}
    assert locked == declared, "uv.lock does not match pyproject.toml: run `uv lock`"


def test_one_version_read_from_the_package() -> None:
    assert "version" not in PROJECT and PROJECT["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "flux_tui.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", flux_tui.__version__)
    assert metadata.version("flux-tui") == flux_tui.__version__


def test_licence_and_classifiers() -> None:
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "Programming Language :: Python :: 3.11" in PROJECT["classifiers"]


def test_every_data_file_of_the_package_is_shipped() -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["flux_tui"]
    package = ROOT / "flux_tui"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    data = {
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert data - shipped == set()


def test_the_readme_developer_commands_are_the_ones_ci_runs() -> None:
    readme, ci = (ROOT / "README.md").read_text(), (ROOT / ".ci" / "run").read_text()
    for command in (
        "uv sync --locked --extra dev",
        ".venv/bin/ruff check flux_tui tests benchmarks",
        ".venv/bin/pytest",
    ):
        assert command in readme and command in ci, command
    assert "uv tool install ." in readme and "pipx install ." in readme
