"""``_sdk_import`` runs a deferred ``__init__`` under the import system's lock of the package, a private
name of ``importlib._bootstrap``: this Python has it, and without it nothing is deferred."""

from __future__ import annotations

import importlib
import sys

import pytest
from sdk_fake_package import MakePackage, defer, runs

from flux_tui.llm import _sdk_import

FILES = {
    "{p}_log.py": "runs = []\n",
    "{p}/__init__.py": "import {p}_log\n{p}_log.runs.append(__name__)\nfrom .sub import Thing\n",
    "{p}/sub.py": "class Thing:\n    pass\n",
}


def test_this_python_has_the_import_systems_module_locks() -> None:
    locks = _sdk_import.MODULE_LOCKS
    assert locks is not None, "importlib._bootstrap lost _ModuleLockManager or _DeadlockError"
    with locks.of("some.module"), locks.of("some.module"):  # re-entrant, as the deferred __init__ needs
        pass
    assert issubclass(locks.deadlock, RuntimeError)


def test_without_them_the_packages_are_imported_plainly(
    make_package: MakePackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = make_package(FILES)
    monkeypatch.setattr(_sdk_import, "MODULE_LOCKS", None)
    defer(monkeypatch, package)
    importlib.import_module(f"{package}.sub")
    assert runs(package) == [package]
    assert sys.modules[package].Thing is sys.modules[f"{package}.sub"].Thing
