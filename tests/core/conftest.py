"""Isolation for config tests: no real environment, config dir or working directory leaks in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_sandbox import ConfigEnv

from flux_tui.core import pricing
from flux_tui.core.trust import add_trusted

_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_")


@pytest.fixture
def cfg_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ConfigEnv]:
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    user = tmp_path / "user-config"
    work.mkdir()
    user.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(user))
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "data"))
    # The sandbox's working directory is the user's own project (test_workspace_trust.py: one that is not).
    add_trusted(user, [work])
    yield ConfigEnv(work=work, user=user, monkeypatch=monkeypatch)
    pricing.clear_overrides()


@pytest.fixture
def clean_pricing() -> Iterator[None]:
    pricing.clear_overrides()
    yield
    pricing.clear_overrides()
