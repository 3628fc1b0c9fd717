"""Fixtures shared by every test area.

``fake_api``: a fresh ``FakeAPI`` (see ``tests/fakeapi.py`` for the scripting API) listening on
127.0.0.1 with a free port, started before the test and stopped after it. It works from sync and async
tests alike (it serves from its own thread). ``wire_dir``: the captured streams (``tests/wire``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Makes ``from fakeapi import FakeAPI`` work from any test directory, whatever pytest's import mode,
# and ``benchmarks`` (beside ``tests``) importable however pytest is started.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)
_REPO_DIR = str(Path(__file__).resolve().parents[1])
if _REPO_DIR not in sys.path:
    sys.path.append(_REPO_DIR)

from fakeapi import WIRE_DIR, FakeAPI  # noqa: E402


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    from flux_tui.core import pricing

    with FakeAPI() as api:
        # The fake server stands in for the real APIs: its models cost their list prices, where any
        # other local server is unpriced.
        pricing.price_at_list(api.base_url)
        try:
            yield api
        finally:
            pricing.price_at_list(api.base_url, enabled=False)


@pytest.fixture
def wire_dir() -> Path:
    if not WIRE_DIR.is_dir():
        pytest.fail(f"captured streams not found at {WIRE_DIR}")
    return WIRE_DIR


# -- No test key in any file written during the suite ------------------
# Every file under pytest's base temp dir (session stores, logs, exports, workspaces of every test) and
# under a sandboxed XDG data/state/cache dir (where the app would write when a test does not say) is searched
# at the end of the run for the keys the test rigs configure the app with. A hit fails the session.
# Keep the list in step with the rigs: tests/llm/llm_support.py, tests/agent/agent_rig.py,
# tests/ui/conftest.py, tests/reliability/rel_support.py.
TEST_SECRETS: tuple[str, ...] = (
    "sk-ant-test-0123456789abcdef",
    "sk-test-openai-0123456789abcdef",
    "sk-ant-agent-test-key",
    "sk-agent-test-key",
    "test-anthropic-key",
    "test-openai-key",
    "sk-ant-reliability-0123456789abcdef",
    "sk-reliability-openai-0123456789abcdef",
)


def files_containing(roots: list[Path], secrets: tuple[str, ...]) -> list[str]:
    """``"path: secret"`` for every file under ``roots`` that contains one of ``secrets``."""
    needles = [s.encode() for s in secrets]
    hits: list[str] = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            hits += [f"{path}: {n.decode()}" for n in needles if n in data]
    return hits


@pytest.fixture(autouse=True)
def no_listed_windows_across_tests() -> Iterator[None]:
    """A model list one test's fake endpoint gave does not decide another test's context window."""
    from flux_tui.core.pricing import forget_listed_windows

    yield
    forget_listed_windows()


@pytest.fixture(scope="session", autouse=True)
def no_test_key_in_written_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    xdg = tmp_path_factory.mktemp("xdg")
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_DATA_HOME", str(xdg / "data"))
    patch.setenv("XDG_STATE_HOME", str(xdg / "state"))
    patch.setenv("XDG_CACHE_HOME", str(xdg / "cache"))
    yield
    patch.undo()
    leaks = files_containing([tmp_path_factory.getbasetemp()], TEST_SECRETS)
    if leaks:
        pytest.fail("test API keys were written to files:\n" + "\n".join(leaks), pytrace=False)
