"""Import an SDK's client without running the package ``__init__``s that only re-export its API.

``import anthropic`` runs ``anthropic/__init__.py``, which imports every resource of the API and,
through them, nearly all of ``anthropic.types`` (about 3,000 modules of pydantic models); each
``types`` and ``resources`` package's ``__init__`` does the same for its subtree. The app uses the
client, its HTTP layer and its errors (``_streaming``), and reads the events itself (``_sse``).

The packages named here are given a deferred ``__init__``: the package module exists as soon as one
of its submodules is imported, and its ``__init__`` runs, in full and once, the first time a name the
``__init__`` defines is asked for (``anthropic.AsyncAnthropic``, ``from anthropic.types import
Message``). Importing a submodule (``anthropic._client``, ``anthropic.types.model``) does not run it.
So any code, the SDK's own or a plug-in's, sees the SDK it would see after a plain import; what it
never asks for is never imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any


def import_client_module(module: str, deferred: Sequence[str]) -> ModuleType:
    """Import ``module`` with the ``__init__`` of the packages ``deferred`` names deferred.

    An entry ending in ``.*`` covers a package and every package below it (``anthropic.types.*``);
    any other entry covers that one package. Packages imported before are left as they are.
    """
    _install(tuple(deferred))
    return importlib.import_module(module)


_installed: set[tuple[str, ...]] = set()
_install_lock = threading.Lock()


def _install(deferred: tuple[str, ...]) -> None:
    with _install_lock:
        if deferred not in _installed:
            _installed.add(deferred)
            sys.meta_path.insert(0, DeferredInitFinder(deferred))


class DeferredInitFinder(importlib.abc.MetaPathFinder):
    """Finds the packages it covers as the path finder does, with their ``__init__`` deferred."""

    def __init__(self, deferred: Sequence[str]) -> None:
        self._exact = frozenset(name for name in deferred if not name.endswith(".*"))
        self._trees = tuple(name[:-1] for name in deferred if name.endswith(".*"))  # "pkg.types."

    def covers(self, fullname: str) -> bool:
        return fullname in self._exact or (fullname + ".").startswith(self._trees)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not self.covers(fullname):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return None  # not a package: the path finder after this one imports it as usual
        spec.loader = DeferredInitLoader(spec.loader)
        return spec


class DeferredInitLoader(importlib.abc.Loader):
    """Creates the package module and leaves its ``__init__`` to the first name asked of it."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # resource readers and the like: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__getattr__ = _DeferredInit(module, self._loader)  # type: ignore[method-assign]


class _DeferredInit:
    """A package's module ``__getattr__`` (PEP 562) until its ``__init__`` has run."""

    def __init__(self, module: ModuleType, loader: importlib.abc.Loader) -> None:
        self._module = module
        self._loader = loader
        self._lock = threading.RLock()
        self._state = "deferred"  # -> "running" -> "done"

    def __call__(self, name: str) -> Any:
        module = self._module
        if self._is_submodule(name):
            # ``from package import submodule`` asks first; the import system then imports it.
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        with self._lock:  # another thread asking while the __init__ runs waits for it
            if self._state == "running":  # the __init__ itself, before it defines ``name``
                raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
            if self._state == "deferred":
                self._state = "running"
                try:
                    self._loader.exec_module(module)
                finally:
                    self._state = "done"
                    if module.__dict__.get("__getattr__") is self:
                        del module.__dict__["__getattr__"]
        found = module.__dict__
        if name in found:
            return found[name]
        own = found.get("__getattr__")  # one the __init__ defines
        if own is not None and own is not self:
            return own(name)
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

    def _is_submodule(self, name: str) -> bool:
        if name.startswith("__"):
            return False
        child = f"{self._module.__name__}.{name}"
        if child in sys.modules:
            return True
        path = getattr(self._module, "__path__", None)
        return importlib.machinery.PathFinder.find_spec(child, path) is not None
