"""``_sdk_import``: a deferred ``__init__`` that raises (an ImportError inside the SDK) raises on every
ask, as an ImportError naming the package, and never leaves a half-run package answering names."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from sdk_fake_package import MakePackage, defer, runs

FILES = {
    "{p}_log.py": "runs = []\n",
    "{p}/__init__.py": (
        "import {p}_log\n"
        "{p}_log.runs.append(__name__)\n"
        "from .sub import Thing\n"
        "EARLY = 1\n"
        "from .absent import Missing\n"
        "VALUE = 42\n"
    ),
    "{p}/sub.py": "class Thing:\n    pass\n",
}


def test_every_ask_after_a_failed_init_raises_again(
    make_package: MakePackage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = make_package(FILES)
    defer(monkeypatch, package)
    sub = importlib.import_module(f"{package}.sub")
    top = sys.modules[package]

    with pytest.raises(ImportError, match=package) as raised:
        top.VALUE  # noqa: B018
    assert isinstance(raised.value.__cause__, ModuleNotFoundError)
    # What the failed run defined before it raised is not served; the next ask runs it again.
    with pytest.raises(ImportError, match="absent"):
        top.EARLY  # noqa: B018
    with pytest.raises(ImportError):
        getattr(top, "Thing", None)
    assert "EARLY" not in vars(top) and "Thing" not in vars(top)
    assert runs(package) == [package, package, package]
    assert top.sub is sub  # the submodule it imported stays, as it stays in sys.modules

    (tmp_path / package / "absent.py").write_text("Missing = None\n")
    importlib.invalidate_caches()
    assert top.VALUE == 42 and top.EARLY == 1
    assert runs(package).count(package) == 4


def test_an_init_raising_attribute_error_is_not_a_missing_name(
    make_package: MakePackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {**FILES, "{p}/__init__.py": "from .sub import Thing\nVALUE = Thing.nothing_here\n"}
    package = make_package(files)
    defer(monkeypatch, package)
    importlib.import_module(f"{package}.sub")
    with pytest.raises(ImportError, match="nothing_here"):
        getattr(sys.modules[package], "VALUE", None)  # an AttributeError here would read as "absent"
