"""Imports of the test suite's fake API server (``tests/fakeapi.py``), which the benchmarks reuse.

``tests/`` is not a package; its modules import each other by bare name, so the directory goes on
``sys.path`` (as ``tests/conftest.py`` does for the tests).
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1] / "tests"
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

import fakeapi  # noqa: E402
import fakeapi_http  # noqa: E402
import fakeapi_sse  # noqa: E402

__all__ = ["fakeapi", "fakeapi_http", "fakeapi_sse"]
