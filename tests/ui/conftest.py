"""Fixtures for pilot tests of the whole app against the fake API server, with the real providers.

``sandbox`` isolates the environment (no real keys, config dir or working directory leak in);
``make_app(**config)`` builds a ``FluxApp`` whose built-in providers both point at ``fake_api``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core import pricing
from flux_tui.core.config import load_config
from flux_tui.core.trust import add_trusted
from flux_tui.ui.app import FluxApp

_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "user-config").mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "data"))
    # The sandbox's working directory is the user's own project (test_trust_dialog.py: one that is not).
    add_trusted(tmp_path / "user-config", [work])
    yield work
    pricing.clear_overrides()


@pytest.fixture
def make_app(sandbox: Path, fake_api: Any) -> Callable[..., FluxApp]:
    def build(*, keys: bool = True, **overrides: Any) -> FluxApp:
        settings: dict[str, Any] = {
            "anthropic_base_url": fake_api.anthropic_base_url,
            "openai_base_url": fake_api.openai_base_url,
        }
        if keys:
            settings |= {"anthropic_api_key": "test-anthropic-key", "openai_api_key": "test-openai-key"}
        settings |= overrides
        config, problems = load_config(**settings)
        return FluxApp(config, problems=problems, workspace=sandbox)

    return build
