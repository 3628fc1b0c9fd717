"""run_command ends its pipes while the event loop runs: a process that left the command's group and
still holds the output pipe must not leave "Event loop is closed" tracebacks for the exit."""

from __future__ import annotations

import asyncio
import gc
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox

# A child that starts its own session (out of reach of the group kill) and keeps stdout open.
ESCAPING_CHILD = (
    f"{shlex.quote(sys.executable)} -c 'import os, time; os.setsid(); time.sleep(3)' & echo started"
)


def run_commands(workspace: Path, commands: list[str], timeout: float) -> list[str]:
    async def main() -> list[str]:
        box = ToolBox(workspace, yolo=True, command_timeout=timeout)
        results = []
        for number, command in enumerate(commands):
            call = ToolCall(id=f"c{number}", name="run_command", input={"command": command})
            results.append((await box.run(box.prepare(call))).content)
        return results

    return asyncio.run(main())


def test_no_event_loop_is_closed_after_the_loop_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: unraisable.append(info.exc_value))
    started = time.monotonic()
    results = run_commands(tmp_path, [ESCAPING_CHILD, "echo two"], timeout=0.5)
    gc.collect()
    assert unraisable == []
    assert "started" in results[0] and "timed out" in results[0]
    assert results[1] == "two\n[exit code 0]"
    assert time.monotonic() - started < 2.5  # not waiting for the escaped child's pipe


def test_exit_codes_and_output_are_unchanged(tmp_path: Path) -> None:
    results = run_commands(tmp_path, ["echo out; echo err >&2", "exit 3", "kill -9 $$"], timeout=5)
    assert results[0] == "out\nerr\n[exit code 0]"
    assert results[1] == "(no output)\n[exit code 3]"
    assert results[2] == "(no output)\n[killed by signal 9]"
