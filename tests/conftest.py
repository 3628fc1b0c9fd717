"""Fixtures shared by every test area.

``fake_api``: a fresh ``FakeAPI`` (see ``tests/fakeapi.py`` for the scripting API) listening on
127.0.0.1 with a free port, started before the test and stopped after it. It works from sync and async
tests alike (it serves from its own thread). ``wire_dir``: the shared captures directory.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Makes ``from fakeapi import FakeAPI`` work from any test directory, whatever pytest's import mode.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from fakeapi import WIRE_DIR, FakeAPI  # noqa: E402


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    with FakeAPI() as api:
        yield api


@pytest.fixture
def wire_dir() -> Path:
    if not WIRE_DIR.is_dir():
        pytest.fail(f"shared captures not found at {WIRE_DIR} (shared/ must sit beside the repo root)")
    return WIRE_DIR
