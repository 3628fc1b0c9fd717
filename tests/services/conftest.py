"""Fixtures of the service tests: a sandboxed environment (no real keys, config or data dir leak in),
``make_config(**settings)`` with both built-in providers on the fake API, and a temporary store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

from flux_tui.core.config import Config, load_config
from flux_tui.sessions import SessionStore

_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")
KEYS = {"anthropic": "test-anthropic-key", "openai": "test-openai-key"}


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "data"))
    return work


@pytest.fixture
def make_config(sandbox: Path, fake_api: FakeAPI) -> Callable[..., Config]:
    """``make_config(keys=True, **settings)``: a loaded Config, both providers on ``fake_api``."""

    def build(*, keys: bool = True, **overrides: Any) -> Config:
        settings: dict[str, Any] = {
            "anthropic_base_url": fake_api.anthropic_base_url,
            "openai_base_url": fake_api.openai_base_url,
            "workspace": sandbox,
        }
        if keys:
            settings |= {"anthropic_api_key": KEYS["anthropic"], "openai_api_key": KEYS["openai"]}
        config, _problems = load_config(**(settings | overrides))
        return config

    return build


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    with SessionStore(tmp_path / "data" / "sessions.db") as opened:
        yield opened
