"""Fixtures for the session tests: a temporary store and the sample session (session_samples.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from session_samples import sample_events

from flux_tui.core.agent_events import AgentEvent
from flux_tui.sessions import SessionStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sessions.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SessionStore]:
    with SessionStore(db_path) as s:
        yield s


@pytest.fixture
def sample() -> list[AgentEvent]:
    return sample_events()
