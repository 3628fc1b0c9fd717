"""``_sdk_import``: two threads importing one SDK at once, as two providers built in worker threads do,
never deadlock; a deferred ``__init__`` meets a concurrent import of its submodule as a plain import
does (a partially initialised package for one thread, never a hang)."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from types import ModuleType

import pytest
from sdk_fake_package import MakePackage, defer, runs

from flux_tui.llm import _sdk_import

JOIN_TIMEOUT = 10.0  # seconds; the hooks below give up waiting after the same time

# Thread B imports ``{p}.foo``, which asks the package for a name its ``__init__`` never defines (a
# plug-in probing for a feature); thread A asks the package for a name while B is inside ``foo``, so
# A's ``__init__`` imports ``foo`` while B holds foo's import lock and asks the package for a name.
# The delays let one side or the other reach its wait first.
RACE = {
    "{p}_log.py": "runs = []\n",
    "{p}_hooks.py": (
        "import threading\n"
        "b_in_foo = threading.Event()\n"
        "a_in_init = threading.Event()\n"
        "a_delay = b_delay = 0.0\n"
    ),
    "{p}/__init__.py": (
        "import time, {p}_hooks, {p}_log\n"
        "{p}_log.runs.append(__name__)\n"
        "{p}_hooks.a_in_init.set()\n"
        "time.sleep({p}_hooks.a_delay)\n"
        "from .foo import Y\n"
        "VALUE = 42\n"
    ),
    "{p}/foo.py": (
        "import time, {p}, {p}_hooks\n"
        "{p}_hooks.b_in_foo.set()\n"
        "{p}_hooks.a_in_init.wait(10)\n"
        "time.sleep({p}_hooks.b_delay)\n"
        "FEATURE = getattr({p}, 'OPTIONAL_FEATURE', None)\n"
        "Y = 1\n"
    ),
}


def start(target: Callable[[], object], outcome: dict[str, object], key: str) -> threading.Thread:
    def run() -> None:
        try:
            target()
            outcome[key] = "ok"
        except BaseException as exc:  # what the thread met, for the test to look at
            outcome[key] = exc

    thread = threading.Thread(target=run, name=f"import-{key}", daemon=True)  # a hang must not block exit
    thread.start()
    return thread


@pytest.mark.parametrize("first", ["init waits first", "submodule waits first"])
def test_an_init_and_a_submodule_imported_at_once_do_not_deadlock(
    first: str, make_package: MakePackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = make_package(RACE)
    defer(monkeypatch, package)
    hooks = importlib.import_module(f"{package}_hooks")
    if first == "init waits first":
        hooks.b_delay = 0.3
    else:
        hooks.a_delay = 0.3
    outcome: dict[str, object] = {}

    b = start(lambda: importlib.import_module(f"{package}.foo"), outcome, "b")
    assert hooks.b_in_foo.wait(JOIN_TIMEOUT)
    a = start(lambda: sys.modules[package].VALUE, outcome, "a")
    a.join(JOIN_TIMEOUT)
    b.join(JOIN_TIMEOUT)

    assert not a.is_alive() and not b.is_alive(), "the two imports deadlocked"
    # As in a plain concurrent circular import, one side may fail (whichever closes the cycle: the
    # import system's deadlock check), with an ImportError; the other sees the package partially
    # initialised. Neither waits forever, and the package is whole when next asked.
    for seen in outcome.values():
        assert seen == "ok" or isinstance(seen, ImportError), seen
    assert sys.modules[package].VALUE == 42
    assert importlib.import_module(f"{package}.foo").Y == 1
    assert 1 <= runs(package).count(package) <= 2  # the ask after a failed run runs it again


# Thread B imports ``{p}.foo``, which imports its sibling through the package (``from {p} import sub``)
# while thread A's ``__init__`` of the package waits to import ``foo`` too.
SIBLING = {
    "{p}_hooks.py": "import threading\nb_in_foo = threading.Event()\na_in_init = threading.Event()\n",
    "{p}/__init__.py": (
        "import time, {p}_hooks\n{p}_hooks.a_in_init.set()\ntime.sleep(0.3)\nfrom .foo import Y\nVALUE = 42\n"
    ),
    "{p}/foo.py": (
        "import {p}_hooks\n{p}_hooks.b_in_foo.set()\n{p}_hooks.a_in_init.wait(10)\n"
        "from {p} import sub\nY = sub.Z\n"
    ),
    "{p}/sub.py": "Z = 1\n",
}


def test_a_submodule_imported_through_the_package_does_not_wait_for_its_init(
    make_package: MakePackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As without the deferral: the submodule's import needs nothing of the ``__init__``, and waiting
    for it would close a cycle that fails the ``__init__`` in the other thread."""
    package = make_package(SIBLING)
    defer(monkeypatch, package)
    hooks = importlib.import_module(f"{package}_hooks")
    outcome: dict[str, object] = {}
    b = start(lambda: importlib.import_module(f"{package}.foo"), outcome, "b")
    assert hooks.b_in_foo.wait(JOIN_TIMEOUT)
    a = start(lambda: sys.modules[package].VALUE, outcome, "a")
    a.join(JOIN_TIMEOUT)
    b.join(JOIN_TIMEOUT)
    assert outcome == {"a": "ok", "b": "ok"}


FAILS_LATE = {
    "{p}_log.py": "runs = []\n",
    "{p}_hooks.py": "import threading\nstarted = threading.Event()\ngo = threading.Event()\n",
    "{p}/__init__.py": (
        "import {p}_hooks, {p}_log\n"
        "{p}_log.runs.append(__name__)\n"
        "EARLY = 1\n"
        "{p}_hooks.started.set()\n"
        "{p}_hooks.go.wait(10)\n"
        "from .absent import X\n"
        "VALUE = 42\n"
    ),
    "{p}/sub.py": "Y = 1\n",
}


def test_a_thread_waiting_for_an_init_that_raises_raises_too(
    make_package: MakePackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = make_package(FAILS_LATE)
    defer(monkeypatch, package)
    importlib.import_module(f"{package}.sub")
    hooks = importlib.import_module(f"{package}_hooks")
    outcome: dict[str, object] = {}
    first = start(lambda: sys.modules[package].VALUE, outcome, "first")
    assert hooks.started.wait(JOIN_TIMEOUT)
    waiter = start(lambda: sys.modules[package].VALUE, outcome, "waiter")
    threading.Timer(0.2, hooks.go.set).start()
    first.join(JOIN_TIMEOUT)
    waiter.join(JOIN_TIMEOUT)
    assert not first.is_alive() and not waiter.is_alive()
    assert isinstance(outcome["first"], ImportError)
    # It waited for that run and learns it failed, or it came after and ran the __init__ again.
    assert isinstance(outcome["waiter"], ImportError)
    assert package in str(outcome["waiter"])


def test_the_real_sdks_imported_by_many_threads_at_once() -> None:
    """A fresh process: providers of both SDKs built in worker threads while other code imports the
    SDKs plainly and asks them for names; every thread gets its names, none waits forever."""
    code = textwrap.dedent(
        """
        import json, os, threading
        from flux_tui.llm._sdk_import import import_sdk_client

        def provider(sdk, name):
            getattr(import_sdk_client(sdk), name)

        def plain_anthropic():
            import anthropic
            anthropic.AsyncAnthropic

        def types():
            from anthropic.types import Message

        def plain_openai():
            import openai
            openai.OpenAI

        jobs = [(provider, ("anthropic", "AsyncAnthropic")), (plain_anthropic, ()), (types, ()),
                (provider, ("anthropic", "AsyncAnthropic")), (provider, ("openai", "AsyncOpenAI")),
                (plain_openai, ()), (provider, ("openai", "AsyncOpenAI"))]
        errors = []

        def run(job, args):
            try:
                job(*args)
            except BaseException as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=run, args=job, daemon=True) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        print(json.dumps({"hung": sum(t.is_alive() for t in threads), "errors": errors}), flush=True)
        os._exit(0)  # a hung thread must not keep the process
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"hung": 0, "errors": []}


CLIENT = {
    "{p}/__init__.py": "from .client import Client\nVALUE = 42\n",
    "{p}/client.py": "class Client:\n    pass\n",
}


def blocked_on(ident: int) -> set[str]:
    """The names of the import locks thread ``ident`` waits for (one lock up to 3.11, a list after)."""
    waits = importlib._bootstrap._blocking_on.get(ident)  # type: ignore[attr-defined]
    locks = waits if isinstance(waits, list) else [waits] if waits is not None else []
    return {lock.name for lock in locks}


class HoldPackageCreation(importlib.abc.MetaPathFinder):
    """Finds ``package`` with a deferred ``__init__``; keeps the thread creating it inside its import
    (holding the package's import lock, the package not yet in ``sys.modules``) until the thread
    ``waiter`` waits for that lock, then runs the ``__init__``. (Not in ``find_spec``: it runs under
    the global import lock.)"""

    def __init__(self, package: str) -> None:
        self.package = package
        self.deferred = _sdk_import.DeferredInitFinder([package])
        self.entered = threading.Event()
        self.waiter: int | None = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = self.deferred.find_spec(fullname, path, target)
        if spec is not None and fullname == self.package and not self.entered.is_set():
            loader = spec.loader
            assert loader is not None
            hold = self

            class Held(importlib.abc.Loader):
                def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
                    hold.entered.set()
                    deadline = time.monotonic() + JOIN_TIMEOUT
                    while hold.waiter is None or hold.package not in blocked_on(hold.waiter):
                        assert time.monotonic() < deadline, "the other thread never waited for the package"
                        time.sleep(0.001)
                    return loader.create_module(spec)

                def exec_module(self, module: ModuleType) -> None:
                    loader.exec_module(module)
                    # The ``__init__`` runs while this thread holds the package's lock, as when it
                    # takes the lock again before the waiting thread wakes.
                    assert module.VALUE == 42

            spec.loader = Held()
        return spec


def test_the_client_imported_while_another_thread_creates_the_package_and_runs_its_init(
    make_package: MakePackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thread A imports the package plainly and asks it for a name; thread B imports the client while
    A creates the package. B must not hold the client's import lock while it waits for the
    package's: A's ``__init__`` imports the client, and two threads each waiting for the other are
    failed by the import system's deadlock check (``_DeadlockError`` in A's ``__init__``)."""
    package = make_package(CLIENT)
    hold = HoldPackageCreation(package)
    monkeypatch.setattr(sys, "meta_path", [hold, *sys.meta_path])
    monkeypatch.setattr(_sdk_import, "_install", lambda deferred: None)  # deferred above
    outcome: dict[str, object] = {}

    def import_client() -> None:
        hold.waiter = threading.get_ident()
        _sdk_import.import_client_module(f"{package}.client", [package])

    def import_and_ask() -> None:
        assert importlib.import_module(package).VALUE == 42

    a = start(import_and_ask, outcome, "a")
    assert hold.entered.wait(JOIN_TIMEOUT)
    b = start(import_client, outcome, "b")
    a.join(JOIN_TIMEOUT)
    b.join(JOIN_TIMEOUT)
    assert outcome == {"a": "ok", "b": "ok"}
    assert sys.modules[package].Client is sys.modules[f"{package}.client"].Client
