"""``_sdk_import``: a package's deferred ``__init__`` runs once, when a name it defines is asked for,
and never for a submodule's import; the Anthropic provider talks without the SDK's package init."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from sdk_fake_package import MakePackage, defer, runs

from flux_tui.llm import _sdk_import

FILES = {
    "{p}_log.py": "runs = []\n",
    "{p}/__init__.py": (
        "import time, {p}_log\n{p}_log.runs.append(__name__)\ntime.sleep(0)\n"
        "from .sub import Thing\nfrom .inner import Other\nVALUE = 42\n"
    ),
    "{p}/sub.py": "class Thing:\n    pass\n",
    "{p}/inner/__init__.py": "import {p}_log\n{p}_log.runs.append(__name__)\nfrom .leaf import Other\n",
    "{p}/inner/leaf.py": "class Other:\n    pass\n",
    "{p}/client.py": "from .inner.leaf import Other\nfrom . import sub\nCLIENT = sub.Thing\n",
}


@pytest.fixture
def package(make_package: MakePackage) -> str:
    """A fresh package on sys.path (its name unique to the test), whose ``__init__``s log their runs."""
    return make_package(FILES)


def test_importing_a_submodule_runs_no_deferred_init(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    defer(monkeypatch, package, f"{package}.inner.*")
    client = __import__(f"{package}.client", fromlist=["CLIENT"])
    assert client.CLIENT.__name__ == "Thing"
    assert runs(package) == []


def test_a_name_of_the_init_runs_it_once(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    defer(monkeypatch, package, f"{package}.inner.*")
    __import__(f"{package}.client")
    top = sys.modules[package]
    assert top.VALUE == 42
    assert top.Thing is sys.modules[f"{package}.sub"].Thing
    assert top.Other is sys.modules[f"{package}.inner.leaf"].Other
    assert runs(package) == [package, f"{package}.inner"]
    assert top.VALUE == 42 and runs(package) == [package, f"{package}.inner"]
    with pytest.raises(AttributeError):
        top.missing  # noqa: B018


def test_from_import_of_a_name_and_of_a_submodule(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    defer(monkeypatch, package, f"{package}.inner.*")
    namespace: dict[str, object] = {}
    exec(f"from {package} import sub", namespace)  # a submodule: the __init__ stays deferred
    assert runs(package) == []
    exec(f"from {package}.inner import Other", namespace)  # a name: that package's __init__ runs
    assert runs(package) == [f"{package}.inner"]
    exec(f"from {package} import VALUE", namespace)
    assert namespace["VALUE"] == 42
    assert runs(package) == [f"{package}.inner", package]


def test_packages_not_named_run_their_init_as_usual(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    defer(monkeypatch, package)  # the root only, not its subpackages
    __import__(f"{package}.client")
    assert runs(package) == [f"{package}.inner"]


def test_threads_asking_at_once_wait_for_one_run(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init = tmp_path / package / "__init__.py"
    init.write_text(init.read_text().replace("time.sleep(0)", "time.sleep(0.2)"))
    defer(monkeypatch, package)
    __import__(f"{package}.client")
    top = sys.modules[package]
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(top.VALUE)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [42] * 4
    assert runs(package).count(package) == 1


def test_import_client_module_installs_one_finder(package: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(_sdk_import, "_installed", set())
    before = len(sys.meta_path)
    client = _sdk_import.import_client_module(f"{package}.client", [package])
    _sdk_import.import_client_module(f"{package}.client", [package])
    assert client.CLIENT.__name__ == "Thing"
    assert len(sys.meta_path) == before + 1
    assert runs(package) == [f"{package}.inner"]


SDKS = {  # model, key, client class, the other SDKs, a class of its types
    "anthropic": (
        "claude-sonnet-4-6",
        "sk-ant-test-0123456789abcdef",
        "AsyncAnthropic",
        ["openai", "google.genai"],
        "ModelInfo",
    ),
    "openai": (
        "gpt-4o",
        "sk-test-openai-0123456789abcdef",
        "AsyncOpenAI",
        ["anthropic", "google.genai"],
        "Model",
    ),
}


@pytest.mark.parametrize("kind", sorted(SDKS))
def test_a_provider_talks_without_its_sdk_package_init(kind: str, fake_api: FakeAPI) -> None:
    """A fresh process: one answer streamed and the models listed through the provider's SDK, which
    imports neither another provider's SDK nor most of its own API's types."""
    model, key, client_class, others, _ = SDKS[kind]
    if kind == "anthropic":
        fake_api.queue_anthropic_text("hello there")
        fake_api.anthropic_models = ["listed-model"]
        base_url = fake_api.anthropic_base_url
    else:
        fake_api.queue_openai_text("hello there")
        fake_api.openai_models = ["listed-model"]
        base_url = fake_api.openai_base_url
    code = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from flux_tui.llm.base_provider import ProviderSettings
        from flux_tui.llm.provider_factory import create_provider

        async def main():
            provider = create_provider(ProviderSettings(
                name={kind!r}, kind={kind!r}, model={model!r}, api_key={key!r}, base_url={base_url!r}))
            text = "".join([e.get("content", "") async for e in provider.send_message("hi")
                            if e["type"] == "text"])
            models = await provider.list_models()
            await provider.aclose()
            return text, models

        text, models = asyncio.run(main())
        print(json.dumps({{
            "text": text,
            "models": models,
            "init_ran": {client_class!r} in vars(sys.modules[{kind!r}]),
            "types": sum(1 for m in sys.modules if m.startswith({kind + ".types."!r})),
            "others": [m for m in {others!r} if m in sys.modules],
        }}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["text"] == "hello there"
    assert seen["models"] == ["listed-model"]
    assert not seen["init_ran"]
    # ``import anthropic`` brings 2,972 modules of its types, ``import openai`` 468
    assert seen["types"] < {"anthropic": 2_500, "openai": 200}[kind]
    assert seen["others"] == []


@pytest.mark.parametrize("kind", sorted(SDKS))
def test_the_sdk_names_are_there_when_asked_for(kind: str) -> None:
    client_class, type_class = SDKS[kind][2], SDKS[kind][4]
    code = textwrap.dedent(
        f"""
        import json, sys
        from flux_tui.llm._sdk_import import import_sdk_client
        client = import_sdk_client("{kind}")
        import {kind} as sdk
        from {kind}.types import {type_class}
        print(json.dumps([sdk.{client_class} is client.{client_class}, sdk.APIStatusError.__module__,
                          {type_class}.__name__]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [True, kind, type_class]
