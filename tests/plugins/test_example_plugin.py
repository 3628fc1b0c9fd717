"""The worked example plug-in (examples/flux-echo-provider), installed into a directory on the test
venv's path, and driven through flux-tui: found by its entry point, started with no configuration at
all, answered through the headless agent loop, recorded and counted by the base class."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "flux-echo-provider"
_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")


def install(project: Path, target: Path) -> None:
    """What an installer leaves for a one-module project: the module and its ``.dist-info`` (metadata
    and the entry points its pyproject.toml declares). Written directly: the test venv may lack the
    ``wheel`` package a build needs, and nothing is fetched."""
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    meta = data["project"]
    for module in data["tool"]["setuptools"]["py-modules"]:
        shutil.copy(project / f"{module}.py", target / f"{module}.py")
    info = target / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir()
    head = f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n"
    (info / "METADATA").write_text(head)
    lines = []
    for group, entries in meta["entry-points"].items():
        lines.append(f"[{group}]")
        lines.extend(f"{name} = {value}" for name, value in entries.items())
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("site")
    install(EXAMPLE, target)
    yield target


def _env(site: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    env["FLUX_CONFIG_DIR"] = str(home / "config")
    env["FLUX_DATA_DIR"] = str(home / "data")
    return env


def test_the_plugin_is_a_provider_with_no_config(installed: Path, tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from flux_tui.core.config import load_config\n"
        "from flux_tui.ui.reports import setup_markdown\n"
        "config, problems = load_config()\n"
        "resolved = config.provider_settings('echo')\n"
        "print(json.dumps({'names': config.provider_names(), 'problems': [str(p) for p in problems],\n"
        "                  'missing': resolved.missing, 'model': resolved.model,\n"
        "                  'models': resolved.models, 'options': resolved.options}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=_env(installed, tmp_path),
        capture_output=True, text=True, check=True, timeout=120,
    )
    found = json.loads(out.stdout)
    assert found["names"][:3] == ["anthropic", "openai", "gemini"] and "echo" in found["names"]
    assert found["problems"] == [] and found["missing"] is None
    assert (found["model"], found["models"]) == ("echo-1", ["echo-1", "echo-loud"])
    assert found["options"] == {"prefix": "echo: "}


@pytest.mark.parametrize("how", ["flag", "env"])
def test_the_app_runs_a_turn_on_the_plugin(installed: Path, tmp_path: Path, how: str) -> None:
    env = _env(installed, tmp_path)
    args = [sys.executable, "-m", "flux_tui.cli"]
    if how == "flag":
        args += ["--provider", "echo", "--model", "echo-loud"]
    else:
        env["FLUX_PROVIDER"] = "echo"
        env["FLUX_MODEL"] = "echo-loud"
    out = subprocess.run(
        [*args, "run", "hello plug-in"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "echo: HELLO PLUG-IN"


def test_providers_table_configures_the_plugin(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "flux.toml").write_text('provider = "echo"\n[providers.echo]\nsettings = { prefix = "> " }\n')
    out = subprocess.run(
        [sys.executable, "-m", "flux_tui.cli", "run", "hi"], cwd=tmp_path, env=_env(installed, tmp_path),
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "> hi"
