"""flux-tui's own provider kinds are declared as data (``llm.<kind>_declaration`` modules): they are looked
up without reading the installed packages' entry points, each class carries exactly its declaration, and a
plug-in may be declared the same way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core import provider_registry
from flux_tui.core.providers import ProviderSpec

BUILT_IN = provider_registry.built_in()

WORKTREE = Path(__file__).resolve().parents[2]
_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")


def _run(code: str, tmp_path: Path, *paths: Path, **env_values: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_PREFIXES)}
    env.update(
        PYTHONPATH=os.pathsep.join(str(p) for p in (*paths, WORKTREE)),
        FLUX_CONFIG_DIR=str(tmp_path / "config"),
        FLUX_DATA_DIR=str(tmp_path / "data"),
        **env_values,
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("declared", BUILT_IN, ids=lambda spec: spec.kind)
def test_each_class_states_its_declaration(declared: ProviderSpec) -> None:
    cls = provider_registry.load_class(declared.kind)
    assert cls.declaration is declared
    assert f"{cls.__module__}:{cls.__qualname__}" == declared.target
    assert ProviderSpec.of_class(declared.kind, cls) == declared
    assert provider_registry.spec(declared.kind) == declared


@pytest.fixture
def counted_entry_points(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """One item per walk of the installed distributions (each read of the entry points walks them)."""
    import importlib.metadata

    calls: list[str] = []
    real_entry_points, real_distributions = importlib.metadata.entry_points, importlib.metadata.distributions

    def counting_entry_points(**params: Any) -> Any:
        calls.append(params.get("group", ""))
        return real_entry_points(**params)

    def counting_distributions(**params: Any) -> Any:
        calls.append(provider_registry.GROUP)
        return real_distributions(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", counting_entry_points)
    monkeypatch.setattr(importlib.metadata, "distributions", counting_distributions)
    provider_registry.reset()
    yield calls
    provider_registry.reset()


def test_entry_points_are_read_once_and_only_for_other_names(counted_entry_points: list[str]) -> None:
    for kind in ("anthropic", "openai", "gemini"):
        assert provider_registry.spec(kind) is not None
        provider_registry.load_class(kind)
    assert counted_entry_points == []
    assert provider_registry.spec("no-such-provider") is None
    assert counted_entry_points == [provider_registry.GROUP]
    assert provider_registry.kinds()[:3] == ["anthropic", "openai", "gemini"]
    assert counted_entry_points == [provider_registry.GROUP]


def _dist(site: Path, name: str, entries: dict[str, str]) -> None:
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = "\n".join(f"{kind} = {target}" for kind, target in entries.items())
    (info / "entry_points.txt").write_text(f"[flux_tui.providers]\n{lines}\n")


def test_plugins_by_declaration_and_entry_points_that_cannot_apply(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    # A plug-in declared by a ProviderSpec: its class's module is imported only to build it.
    (site / "light_decl.py").write_text(
        "from flux_tui.core.providers import ProviderSpec\n"
        "SPEC = ProviderSpec(kind='light', label='Light', target='light_impl:LightProvider',\n"
        "                    key_envs=('LIGHT_API_KEY',), default_model='light-1')\n"
    )
    (site / "light_impl.py").write_text(
        "from flux_tui.llm.base_provider import BaseLLMProvider\n"
        "from light_decl import SPEC\n"
        "class LightProvider(BaseLLMProvider):\n"
        "    declaration = SPEC\n"
        "    async def send_message(self, message, system_prompt=None, tools=None):\n"
        "        yield {'type': 'done', 'stop_reason': 'end_turn'}\n"
        "    async def list_models(self):\n"
        "        return ['light-1']\n"
    )
    _dist(site, "light_plugin", {"light": "light_decl:SPEC", "openai": "light_impl:LightProvider"})
    # What an install of flux-tui from before the declarations left in its metadata.
    _dist(site, "flux_tui", {"anthropic": "flux_tui.llm.anthropic_provider:AnthropicProvider"})
    code = (
        "import json, sys\n"
        "from flux_tui.core import provider_registry\n"
        "from flux_tui.core.config import load_config\n"
        "config, problems = load_config()\n"
        "resolved = config.provider_settings('light')\n"
        "before = 'light_impl' in sys.modules\n"
        "cls = provider_registry.load_class('light')\n"
        "print(json.dumps({'names': config.provider_names(), 'problems': [str(p) for p in problems],\n"
        "                  'missing': resolved.missing, 'model': resolved.model, 'before': before,\n"
        "                  'class': cls.__name__, 'label': cls.label,\n"
        "                  'openai': provider_registry.spec('openai').target}))\n"
    )
    found = _run(code, tmp_path, site, FLUX_PROVIDER="light", LIGHT_API_KEY="light-key-0123456789")
    assert found == {
        "names": ["anthropic", "openai", "gemini", "light"],
        "problems": [],
        "missing": None,
        "model": "light-1",
        "before": False,
        "class": "LightProvider",
        "label": "Light",
        "openai": "flux_tui.llm.openai_provider:OpenAIProvider",  # a plug-in never replaces a built-in
    }
