"""list_files, search_files and run_command."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox, command, search


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel, text in {
        "README.md": "# demo\n",
        "src/app.py": "def main():\n    return 'TODO: fix'\n",
        "src/util/helpers.py": "VALUE = 1  # TODO later\n",
        "docs/guide.txt": "nothing here\n",
        ".git/config": "[core] TODO\n",
        "node_modules/lib/index.js": "// TODO\n",
        "src/__pycache__/app.cpython-311.pyc": "TODO",
    }.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "src" / "blob.bin").write_bytes(b"TODO\x00\x01\x02")
    return tmp_path


async def call(box: ToolBox, name: str, **args: Any) -> ToolOutcome:
    prepared = box.prepare(ToolCall("id", name, args))
    if prepared.error is not None:
        return ToolOutcome(prepared.error, is_error=True)
    return await box.run(prepared)


# -- list_files -----------------------------------------------------------------------------------


async def test_list_skips_junk_and_is_sorted(tree: Path) -> None:
    out = await call(ToolBox(tree), "list_files")
    assert out.content.splitlines() == [
        "README.md",
        "docs/guide.txt",
        "src/app.py",
        "src/blob.bin",
        "src/util/helpers.py",
    ]


async def test_list_with_path_and_pattern(tree: Path) -> None:
    box = ToolBox(tree)
    assert (await call(box, "list_files", path="src", pattern="*.py")).content.splitlines() == [
        "src/app.py",
        "src/util/helpers.py",
    ]
    assert (await call(box, "list_files", pattern="**/*.txt")).content == "docs/guide.txt"
    assert "no files matching '*.rs'" in (await call(box, "list_files", pattern="*.rs")).content
    assert (await call(box, "list_files", path="nope")).is_error


async def test_list_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "MAX_LIST", 5)
    for i in range(12):
        (tmp_path / f"f{i:02}.txt").write_text("")
    lines = (await call(ToolBox(tmp_path), "list_files")).content.splitlines()
    assert lines[:5] == [f"f{i:02}.txt" for i in range(5)]
    assert lines[5] == "[... 7 more not shown; narrow it down with path or pattern]"


# -- search_files ---------------------------------------------------------------------------------


async def test_search_finds_lines_in_text_files_only(tree: Path) -> None:
    out = await call(ToolBox(tree), "search_files", pattern=r"TODO\b")
    assert out.content.splitlines() == [
        "src/app.py:2:     return 'TODO: fix'",
        "src/util/helpers.py:1: VALUE = 1  # TODO later",
    ]


async def test_search_in_a_path_and_with_no_match(tree: Path) -> None:
    box = ToolBox(tree)
    assert (
        await call(box, "search_files", pattern="def", path="src/app.py")
    ).content == "src/app.py:1: def main():"
    assert "no matches" in (await call(box, "search_files", pattern="zebra")).content


async def test_search_rejects_a_bad_regex(tree: Path) -> None:
    out = await call(ToolBox(tree), "search_files", pattern="([unclosed")
    assert out.is_error and "invalid regular expression" in out.content


async def test_search_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "MAX_MATCHES", 3)
    (tmp_path / "many.txt").write_text("hit\n" * 10)
    lines = (await call(ToolBox(tmp_path), "search_files", pattern="hit")).content.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("[... 7 more matches")


# -- run_command ----------------------------------------------------------------------------------


async def test_command_runs_in_the_workspace_and_reports_exit_code(tmp_path: Path) -> None:
    box = ToolBox(tmp_path)
    prepared = box.prepare(ToolCall("c", "run_command", {"command": "pwd; echo err >&2"}))
    assert prepared.needs_approval
    assert prepared.preview == f"$ pwd; echo err >&2\n(cwd: {tmp_path.resolve()}, timeout: 120 s)"
    out = await box.run(prepared)
    assert out.content == f"{tmp_path.resolve()}\nerr\n[exit code 0]"
    assert not out.is_error


async def test_failing_command_is_an_error_result(tmp_path: Path) -> None:
    out = await call(ToolBox(tmp_path), "run_command", command="echo oops; exit 3")
    assert out.is_error and out.content == "oops\n[exit code 3]"
    empty = await call(ToolBox(tmp_path), "run_command", command="true")
    assert empty.content == "(no output)\n[exit code 0]"


async def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    out = await call(
        ToolBox(tmp_path),
        "run_command",
        command=f"sleep 30 & echo $! > {pid_file}; echo started; wait",
        timeout=0.5,
    )
    assert out.is_error
    assert (
        out.content.startswith("started\n")
        and "[timed out after 0.5 s; the process was killed]" in out.content
    )
    pid = int(pid_file.read_text())
    for _ in range(250):
        if not _alive(pid):
            break
        await asyncio.sleep(0.02)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def test_default_timeout_comes_from_the_toolbox(tmp_path: Path) -> None:
    out = await call(ToolBox(tmp_path, command_timeout=0.3), "run_command", command="sleep 10")
    assert "timed out after 0.3 s" in out.content


async def test_output_is_bounded_keeping_head_and_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "HEAD_CHARS", 100)
    monkeypatch.setattr(command, "TAIL_CHARS", 100)
    out = await call(ToolBox(tmp_path), "run_command", command="echo FIRST; seq 1 20000; echo LAST")
    assert out.content.startswith("FIRST\n")
    assert "bytes of output omitted" in out.content
    assert out.content.endswith("LAST\n[exit code 0]")
    assert len(out.content) < 400


async def test_api_keys_are_not_passed_to_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-secret")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("FLUX_HARMLESS", "kept")
    out = await call(ToolBox(tmp_path), "run_command", command="env")
    assert "sk-ant-test-secret" not in out.content and "sk-test-secret" not in out.content
    assert "FLUX_HARMLESS=kept" in out.content
    assert os.environ["OPENAI_API_KEY"] == "sk-test-secret"  # only the child's copy is filtered


async def test_bad_command_arguments(tmp_path: Path) -> None:
    box = ToolBox(tmp_path)
    assert "must not be empty" in (await call(box, "run_command", command="")).content
    assert "timeout" in (await call(box, "run_command", command="true", timeout=-1)).content
