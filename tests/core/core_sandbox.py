"""The config sandbox the ``cfg_env`` fixture (tests/core/conftest.py) hands to tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class ConfigEnv:
    """A sandbox: ``work`` is the cwd (./flux.toml, .env), ``user`` the user config dir."""

    work: Path
    user: Path
    monkeypatch: pytest.MonkeyPatch

    def local_toml(self, text: str) -> Path:
        path = self.work / "flux.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def user_toml(self, text: str) -> Path:
        path = self.user / "flux.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def dotenv(self, text: str) -> Path:
        path = self.work / ".env"
        path.write_text(text, encoding="utf-8")
        return path

    def env(self, **values: str) -> None:
        for name, value in values.items():
            self.monkeypatch.setenv(name, value)
