"""search_files under hostile input: bounded in time, cancellable, never freezing the process.

A catastrophic pattern under ``re`` holds the GIL until it ends (hours): no thread of the process runs,
not even a test's own timeout. Those cases run in a child process that the test kills after a bound,
so a regression fails instead of hanging the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox

REPO = Path(__file__).resolve().parents[2]
CHILD_BOUND = 60.0  # seconds a child may take before it is killed and the test fails
HOSTILE_LINE = "a" * 40_000 + "!"


def run_child(code: str, *args: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), *args],
            capture_output=True,
            text=True,
            timeout=CHILD_BOUND,
            env=env,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the process did not end within {CHILD_BOUND:g} s")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.monotonic() - started
    return result


async def call(box: ToolBox, name: str, **args: Any) -> ToolOutcome:
    prepared = box.prepare(ToolCall("id", name, args))
    if prepared.error is not None:
        return ToolOutcome(prepared.error, is_error=True)
    return await box.run(prepared)


def test_a_catastrophic_pattern_stops_with_a_clear_result_and_the_loop_stays_live(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text(f"short line\n{HOSTILE_LINE}\n")
    result = run_child(
        """
        import asyncio, json, sys, time
        from flux_tui.core.transcript import ToolCall
        from flux_tui.tools import ToolBox

        async def main() -> None:
            box = ToolBox(sys.argv[1])
            prepared = box.prepare(ToolCall("id", "search_files", {"pattern": "(a+)+$"}))
            task = asyncio.ensure_future(box.run(prepared))
            gap, last = 0.0, time.monotonic()
            while not task.done():
                await asyncio.sleep(0.02)
                now = time.monotonic()
                gap, last = max(gap, now - last), now
            out = task.result()
            print(json.dumps({"content": out.content, "is_error": out.is_error, "gap": gap}))

        asyncio.run(main())
        """,
        str(tmp_path),
    )
    assert result["is_error"]
    assert "pattern too costly" in result["content"]
    assert "line 2 of long.txt" in result["content"]
    assert result["content"].startswith("[search stopped after ")
    # The event loop (the UI, Esc, ctrl+q) kept running while the pattern was matched.
    assert result["gap"] < 0.5
    assert result["wall"] < 30


def test_a_cancelled_search_returns_at_once_and_the_process_can_end(tmp_path: Path) -> None:
    """Even a search that would go on for minutes: the cancel returns, and the process exits."""
    (tmp_path / "long.txt").write_text(HOSTILE_LINE + "\n")
    result = run_child(
        """
        import asyncio, json, sys, time
        from flux_tui.core.transcript import ToolCall
        from flux_tui.tools import ToolBox
        try:  # a budget far beyond the test's: only the cancel and the exit can end it in time
            from flux_tui.tools import grep
            grep.LINE_TIME_BUDGET = 600.0
        except ImportError:
            pass

        async def main() -> None:
            box = ToolBox(sys.argv[1])
            box.ctx.search_timeout = 600.0
            prepared = box.prepare(ToolCall("id", "search_files", {"pattern": "(a+)+$"}))
            task = asyncio.ensure_future(box.run(prepared))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            print(json.dumps({"cancel": time.monotonic() - started}))

        asyncio.run(main())
        """,
        str(tmp_path),
    )
    assert result["cancel"] < 1.0
    assert result["wall"] < 30


# -- time budget -----------------------------------------------------------------------------------


async def test_too_many_files_stops_with_what_was_found(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"f{i}.txt").write_text("needle\n")
    box = ToolBox(tmp_path)
    box.ctx.search_timeout = 1e-9
    out = await call(box, "search_files", pattern="needle")
    assert out.is_error
    assert "search stopped after" in out.content and "too many files" in out.content
    listing = await call(box, "list_files")
    assert "listing stopped after" in listing.content and "too many files" in listing.content


async def test_a_search_stops_working_when_cancelled(tmp_path: Path) -> None:
    """The cancel reaches the search thread: no more CPU is spent on it afterwards."""
    line = "abc " * 60  # a.*b.*c.*= backtracks over it for milliseconds, without ever matching
    for i in range(40):
        (tmp_path / f"f{i:02}.txt").write_text((line + "\n") * 50)
    box = ToolBox(tmp_path)
    task = asyncio.ensure_future(call(box, "search_files", pattern=r"a.*b.*c.*="))
    await asyncio.sleep(0.3)
    assert not task.done()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(1.2)  # the file being searched is finished, then the thread stops
    before = time.process_time()
    await asyncio.sleep(1.0)
    assert time.process_time() - before < 0.3
