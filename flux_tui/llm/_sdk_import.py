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

The deferred ``__init__`` runs under the import system's lock of its package, as a plain import runs
it, so a thread asking the package for a name meets the run as it meets an import: it waits while the
``__init__`` runs in another thread, and when that wait would close a cycle (the ``__init__`` waits for
a submodule this thread is importing, whose code asks the package for a name) the import system's
deadlock check gives it the partially initialised package, as in a concurrent circular import, rather
than a hang. Importing a submodule never waits for the ``__init__``. An ``__init__`` that raises leaves
the package as it was before the run (but for the submodules it imported): the threads that waited for
that run raise ``ImportError``, and the next ask runs the ``__init__`` again (raising again if it
raises again), as a new ``import`` of a package whose import failed does.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any, NamedTuple


class ModuleLocks(NamedTuple):
    """The import system's per-module locks: the lock of a module name, and what its deadlock check raises."""

    of: Callable[[str], AbstractContextManager[Any]]
    deadlock: type[Exception]


def _import_system_locks() -> ModuleLocks | None:
    # Private names of CPython's ``importlib._bootstrap``, hence the check: no public API takes a
    # module's import lock, and a lock of our own beside it deadlocks against it (a thread holding ours
    # waits for a submodule's import lock whose holder asks the package for a name). Without them
    # nothing is deferred (``DeferredInitFinder`` finds nothing): the SDK costs its full import, never a
    # hang.
    bootstrap: Any = importlib._bootstrap  # type: ignore[attr-defined]
    lock = getattr(bootstrap, "_ModuleLockManager", None)
    deadlock = getattr(bootstrap, "_DeadlockError", None)
    if lock is None or not (isinstance(deadlock, type) and issubclass(deadlock, Exception)):
        return None
    return ModuleLocks(lock, deadlock)


MODULE_LOCKS = _import_system_locks()


def sdk_packages_to_defer(sdk: str) -> tuple[str, ...]:
    """The packages of ``sdk`` whose ``__init__`` only gathers the API's names.

    ``anthropic`` and ``openai`` share one layout: the package, ``types`` and ``resources`` trees of
    re-exporting ``__init__``s, and the client in ``_client``.
    """
    return (sdk, f"{sdk}.types.*", f"{sdk}.resources.*")


def import_sdk_client(sdk: str) -> ModuleType:
    """``sdk._client``, with the ``__init__`` of ``sdk_packages_to_defer(sdk)`` deferred."""
    return import_client_module(f"{sdk}._client", sdk_packages_to_defer(sdk))


def import_client_module(module: str, deferred: Sequence[str]) -> ModuleType:
    """Import ``module`` with the ``__init__`` of the packages ``deferred`` names deferred.

    An entry ending in ``.*`` covers a package and every package below it (``anthropic.types.*``);
    any other entry covers that one package. Packages imported before are left as they are.
    """
    _install(tuple(deferred))
    # The packages first, each on its own: the import system takes a module's import lock before it
    # imports the module's package, and a thread holding the client's lock while it waits for the
    # package's closes a cycle with a thread that holds the package's to run its ``__init__``
    # (which imports the client).
    parts = module.split(".")
    for depth in range(1, len(parts)):
        importlib.import_module(".".join(parts[:depth]))
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
        locks = MODULE_LOCKS
        if locks is None or not self.covers(fullname):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return None  # not a package: the path finder after this one imports it as usual
        spec.loader = DeferredInitLoader(spec.loader, locks)
        return spec


class DeferredInitLoader(importlib.abc.Loader):
    """Creates the package module and leaves its ``__init__`` to the first name asked of it."""

    def __init__(self, loader: importlib.abc.Loader, locks: ModuleLocks) -> None:
        self._loader = loader
        self._locks = locks

    def __getattr__(self, name: str) -> Any:  # resource readers and the like: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        deferred = _DeferredInit(module, self._loader, self._locks)
        module.__getattr__ = deferred  # type: ignore[method-assign]


class _DeferredInit:
    """A package's module ``__getattr__`` (PEP 562) until its ``__init__`` has run."""

    def __init__(self, module: ModuleType, loader: importlib.abc.Loader, locks: ModuleLocks) -> None:
        self._module = module
        self._loader = loader
        self._locks = locks
        self._state = "deferred"  # -> "running" -> "done", or back to "deferred" if the run raises
        self._failures = 0
        self._failure: BaseException | None = None

    def __call__(self, name: str) -> Any:
        module = self._module
        if self._is_submodule(name):
            # ``from package import submodule`` asks first; the import system then imports it.
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        if self._state != "done":
            self._run_or_wait(name)
        found = module.__dict__
        if name in found:
            return found[name]
        own = found.get("__getattr__")  # one the __init__ defines
        if own is not None and own is not self:
            return own(name)
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

    def _run_or_wait(self, name: str) -> None:
        package = self._module.__name__
        failures = self._failures
        try:
            with self._locks.of(package):  # re-entrant for the thread running the __init__
                if self._state == "running":  # the __init__ itself, before it defines ``name``
                    raise self._partial(name)
                if self._failures != failures:
                    raise ImportError(
                        f"the __init__ of package {package!r} raised in another thread: {self._failure!r}",
                        name=package,
                    ) from self._failure
                if self._state == "deferred":
                    self._run()
        except self._locks.deadlock:
            # The thread running the __init__ waits for a module this thread is importing.
            raise self._partial(name) from None

    def _run(self) -> None:
        module = self._module
        before = dict(module.__dict__)
        # The spec is not marked initialising, as a plain import marks it: ``import package`` and ``from
        # package import submodule`` need nothing of the ``__init__``, and a thread importing a submodule
        # the ``__init__`` imports too would close a cycle by waiting for it there.
        self._state = "running"
        try:
            self._loader.exec_module(module)
        except BaseException as exc:
            self._forget_run(before)
            self._state = "deferred"
            self._failures += 1
            self._failure = exc
            if isinstance(exc, Exception):  # an AttributeError would read as a missing name
                raise ImportError(
                    f"the __init__ of package {module.__name__!r} raised: {exc!r}", name=module.__name__
                ) from exc
            raise
        self._state = "done"
        if module.__dict__.get("__getattr__") is self:
            del module.__dict__["__getattr__"]

    def _forget_run(self, before: dict[str, Any]) -> None:
        """Take back what a failed run defined, so no name of a half-run ``__init__`` is served;
        the submodules it imported stay, as they stay in ``sys.modules``."""
        namespace = self._module.__dict__
        prefix = f"{self._module.__name__}."
        for key, value in list(namespace.items()):
            if key not in before and sys.modules.get(prefix + key) is not value:
                del namespace[key]
        namespace.update(before)

    def _partial(self, name: str) -> AttributeError:
        return AttributeError(
            f"partially initialized module {self._module.__name__!r} has no attribute {name!r} "
            "(its __init__ is running)"
        )

    def _is_submodule(self, name: str) -> bool:
        if name.startswith("__"):
            return False
        child = f"{self._module.__name__}.{name}"
        if child in sys.modules:
            return True
        path = getattr(self._module, "__path__", None)
        return importlib.machinery.PathFinder.find_spec(child, path) is not None
