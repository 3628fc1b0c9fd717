"""Helpers of the ``_sdk_import`` tests (imported as ``sdk_fake_package``; tests/llm is on sys.path):
fake packages written to a temporary directory, given a deferred ``__init__``."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flux_tui.llm._sdk_import import DeferredInitFinder

MakePackage = Callable[[dict[str, str]], str]

_count = itertools.count()


@contextmanager
def package_factory(root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakePackage]:
    """``make(files)`` writes a package under ``root`` named uniquely in the process, its files' names
    and texts with ``{p}`` standing for that name, and returns the name; all are forgotten after."""
    made: list[str] = []
    monkeypatch.syspath_prepend(str(root))

    def make(files: dict[str, str]) -> str:
        name = f"deferredpkg{next(_count)}"
        for pattern, text in files.items():
            path = root / pattern.replace("{p}", name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("{p}", name))
        made.append(name)
        return name

    yield make
    for name in made:
        for module in [m for m in sys.modules if m == name or m.startswith((name + ".", name + "_"))]:
            del sys.modules[module]


def defer(monkeypatch: pytest.MonkeyPatch, *deferred: str) -> None:
    """Put a finder deferring ``deferred`` first on ``sys.meta_path`` for the test."""
    monkeypatch.setattr(sys, "meta_path", [DeferredInitFinder(deferred), *sys.meta_path])


def runs(name: str) -> list[str]:
    """The ``__init__``s of package ``name`` that ran (each appends to ``{p}_log.runs``)."""
    return list(sys.modules[f"{name}_log"].runs) if f"{name}_log" in sys.modules else []
