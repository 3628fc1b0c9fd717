"""Fixtures for the command-line tests: a sandbox with its own config and data dir, no real keys."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flux_tui.core import pricing
from flux_tui.core.trust import add_trusted


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No real key or config leaks in; sessions live in ``tmp_path/data`` (returned: ``tmp_path``)."""
    for name in list(os.environ):
        if name.upper().startswith(("FLUX_", "ANTHROPIC_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "data"))
    # The sandbox's working directory is the user's own project (test_trust_headless.py: one that is not).
    add_trusted(tmp_path / "config", [tmp_path / "work"])
    root = logging.getLogger()
    handlers, level = list(root.handlers), logging.getLogger("flux_tui").level
    yield tmp_path
    for handler in [h for h in root.handlers if h not in handlers]:  # main() installs the file log
        root.removeHandler(handler)
        handler.close()
    logging.getLogger("flux_tui").setLevel(level)
    pricing.clear_overrides()


@pytest.fixture
def openai_fake(cli_env: Path, fake_api: object, monkeypatch: pytest.MonkeyPatch) -> object:
    """``flux-tui run`` pointed at the fake API server as an OpenAI endpoint."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.openai_base_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("OPENAI_API_KEY", "test-openai-key")
    monkeypatch.setenv("FLUX_PROVIDER", "openai")
    return fake_api
