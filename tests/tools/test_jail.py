"""Every way out of the workspace is refused, by the jail and by each tool that takes a path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox, ToolError, Workspace


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """workspace/ with src/main.py, and a sibling outside/ with secret.txt."""
    ws = tmp_path / "workspace"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "main.py").write_text("print('hi')\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret\n")
    return ws, outside


ESCAPES = [
    "../outside/secret.txt",
    "src/../../outside/secret.txt",  # `..` after a valid directory
    "src/../../../../../../etc/passwd",
    "/etc/passwd",  # absolute, elsewhere
    "./../outside",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_dotdot_and_absolute_escapes_are_refused(layout: tuple[Path, Path], path: str) -> None:
    ws, _ = layout
    with pytest.raises(ToolError, match="outside the workspace"):
        Workspace(ws).resolve(path)


def test_symlinked_file_to_etc_is_refused(layout: tuple[Path, Path]) -> None:
    ws, _ = layout
    (ws / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(ToolError, match="symlink on the way leads outside"):
        Workspace(ws).resolve("passwd")


def test_symlinked_parent_directory_is_refused(layout: tuple[Path, Path]) -> None:
    ws, outside = layout
    (ws / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ToolError, match="outside the workspace"):
        Workspace(ws).resolve("linked/secret.txt")
    with pytest.raises(ToolError):
        Workspace(ws).resolve("linked/new_file.txt")  # not existing yet: still outside


def test_dangling_symlink_to_outside_is_refused(layout: tuple[Path, Path]) -> None:
    ws, outside = layout
    (ws / "trap.txt").symlink_to(outside / "will_be_created.txt")
    with pytest.raises(ToolError):
        Workspace(ws).resolve("trap.txt")


def test_symlink_loop_is_a_tool_error(layout: tuple[Path, Path]) -> None:
    ws, _ = layout
    (ws / "a").symlink_to(ws / "b")
    (ws / "b").symlink_to(ws / "a")
    with pytest.raises(ToolError):
        Workspace(ws).resolve("a")


def test_nul_byte_is_refused(layout: tuple[Path, Path]) -> None:
    with pytest.raises(ToolError, match="NUL"):
        Workspace(layout[0]).resolve("src/main.py\x00.txt")


def test_paths_that_stay_inside_are_fine(layout: tuple[Path, Path]) -> None:
    ws, _ = layout
    jail = Workspace(ws)
    real = ws.resolve() / "src" / "main.py"
    assert jail.resolve("src/main.py") == real
    assert jail.resolve(str(real)) == real  # absolute but inside
    assert jail.resolve("src/../src/./main.py") == real
    assert jail.resolve(None) == ws.resolve()
    (ws / "alias.py").symlink_to(ws / "src" / "main.py")  # a link that stays inside
    assert jail.resolve("alias.py") == real
    assert jail.relative(real) == "src/main.py"


def test_workspace_given_through_a_symlink_works(tmp_path: Path, layout: tuple[Path, Path]) -> None:
    ws, _ = layout
    link = tmp_path / "ws_link"
    link.symlink_to(ws, target_is_directory=True)
    jail = Workspace(link)
    assert jail.resolve("src/main.py") == ws.resolve() / "src" / "main.py"
    with pytest.raises(ToolError):
        jail.resolve("../outside/secret.txt")


def test_missing_workspace_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Workspace(tmp_path / "nope")


# -- through the tools ----------------------------------------------------------------------------


async def run_tool(box: ToolBox, name: str, args: dict) -> tuple[str, bool]:
    prepared = box.prepare(ToolCall("t", name, args))
    if prepared.error is not None:
        return prepared.error, True
    outcome = await box.run(prepared)
    return outcome.content, outcome.is_error


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("read_file", {"path": "../outside/secret.txt"}),
        ("read_file", {"path": "/etc/passwd"}),
        ("write_file", {"path": "../outside/new.txt", "content": "x"}),
        ("write_file", {"path": "src/../../outside/secret.txt", "content": "x"}),
        ("edit_file", {"path": "../outside/secret.txt", "old_string": "top", "new_string": "low"}),
        ("list_files", {"path": ".."}),
        ("list_files", {"path": "/etc"}),
        ("search_files", {"pattern": "secret", "path": "../outside"}),
    ],
)
async def test_every_path_tool_refuses_escapes(layout: tuple[Path, Path], tool: str, args: dict) -> None:
    ws, outside = layout
    content, is_error = await run_tool(ToolBox(ws, yolo=True), tool, args)
    assert is_error and "outside the workspace" in content
    assert (outside / "secret.txt").read_text() == "top secret\n"
    assert not (outside / "new.txt").exists()


async def test_tools_refuse_symlinks_leading_out(layout: tuple[Path, Path]) -> None:
    ws, outside = layout
    (ws / "etc_link").symlink_to("/etc", target_is_directory=True)
    (ws / "secret_link.txt").symlink_to(outside / "secret.txt")
    box = ToolBox(ws, yolo=True)
    for tool, args in [
        ("read_file", {"path": "etc_link/passwd"}),
        ("read_file", {"path": "secret_link.txt"}),
        ("write_file", {"path": "secret_link.txt", "content": "pwned"}),
        ("edit_file", {"path": "secret_link.txt", "old_string": "top", "new_string": "low"}),
        ("list_files", {"path": "etc_link"}),
    ]:
        content, is_error = await run_tool(box, tool, args)
        assert is_error and "outside the workspace" in content, (tool, args, content)
    assert (outside / "secret.txt").read_text() == "top secret\n"


async def test_directory_swapped_for_a_symlink_after_the_read_is_caught(layout: tuple[Path, Path]) -> None:
    ws, outside = layout
    (ws / "data").mkdir()
    (ws / "data" / "secret.txt").write_text("top secret\n")
    box = ToolBox(ws, yolo=True)
    content, is_error = await run_tool(box, "read_file", {"path": "data/secret.txt"})
    assert not is_error and "top secret" in content

    # Now someone replaces the directory with a link to outside/, which has a same-named file.
    (ws / "data" / "secret.txt").unlink()
    (ws / "data").rmdir()
    (ws / "data").symlink_to(outside, target_is_directory=True)

    for tool, args in [
        ("read_file", {"path": "data/secret.txt"}),
        ("edit_file", {"path": "data/secret.txt", "old_string": "top", "new_string": "low"}),
        ("write_file", {"path": "data/secret.txt", "content": "pwned"}),
    ]:
        content, is_error = await run_tool(box, tool, args)
        assert is_error and "outside the workspace" in content
    assert (outside / "secret.txt").read_text() == "top secret\n"


async def test_swap_between_approval_and_run_is_caught(layout: tuple[Path, Path]) -> None:
    ws, outside = layout
    (ws / "data").mkdir()
    box = ToolBox(ws)
    prepared = box.prepare(ToolCall("w", "write_file", {"path": "data/new.txt", "content": "x"}))
    assert prepared.error is None and prepared.needs_approval
    (ws / "data").rmdir()
    os.symlink(outside, ws / "data")  # while the user looks at the dialog
    outcome = await box.run(prepared)
    assert outcome.is_error and "outside the workspace" in outcome.content
    assert not (outside / "new.txt").exists()


async def test_list_and_search_do_not_follow_symlinked_dirs_out(layout: tuple[Path, Path]) -> None:
    ws, outside = layout
    (ws / "out").symlink_to(outside, target_is_directory=True)
    (ws / "leak.txt").symlink_to(outside / "secret.txt")
    box = ToolBox(ws)
    listing, _ = await run_tool(box, "list_files", {})
    assert "out/secret.txt" not in listing
    found, _ = await run_tool(box, "search_files", {"pattern": "top secret"})
    assert found.startswith("no matches")
