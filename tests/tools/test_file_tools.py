"""read_file, write_file and edit_file: output format, paging, refusals, previews, stale guard."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox, file_tools, stamps


@pytest.fixture
def box(tmp_path: Path) -> ToolBox:
    return ToolBox(tmp_path, yolo=True)


async def call(box: ToolBox, name: str, **args: Any) -> ToolOutcome:
    prepared = box.prepare(ToolCall("id", name, args))
    if prepared.error is not None:
        return ToolOutcome(prepared.error, is_error=True)
    return await box.run(prepared)


# -- read_file ------------------------------------------------------------------------------------


async def test_read_numbers_lines(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\n\nprint(os.name)\n")
    out = await call(box, "read_file", path="a.py")
    assert not out.is_error
    assert out.content == "     1\timport os\n     2\t\n     3\tprint(os.name)"
    assert out.touched_path == str(tmp_path.resolve() / "a.py")


async def test_read_pages_large_files_and_says_how_to_continue(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("".join(f"line {i}\n" for i in range(1, 2501)))
    first = await call(box, "read_file", path="big.txt")
    assert first.content.splitlines()[0] == "     1\tline 1"
    assert "  2000\tline 2000" in first.content and "line 2001" not in first.content
    assert first.content.endswith(
        "[big.txt: lines 1-2000 of 2500; call read_file with offset=2001 to read more]"
    )

    rest = await call(box, "read_file", path="big.txt", offset=2001)
    assert rest.content.splitlines()[0] == "  2001\tline 2001"
    assert rest.content.endswith("[big.txt: lines 2001-2500 of 2500]")

    window = await call(box, "read_file", path="big.txt", offset=10, limit=3)
    assert window.content.splitlines()[:3] == ["    10\tline 10", "    11\tline 11", "    12\tline 12"]
    assert "offset=13" in window.content


async def test_read_bounds_output_of_huge_lines(
    box: ToolBox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "wide.txt").write_text(("x" * 5000 + "\n") * 100)
    out = await call(box, "read_file", path="wide.txt")
    first = out.content.splitlines()[0]
    assert len(first) < 2100 and "line cut, 5000 characters" in first
    assert len(out.content) <= file_tools.MAX_OUTPUT_CHARS + 200
    assert "offset=" in out.content.splitlines()[-1]


async def test_read_refuses_binary_files_with_a_note(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = await call(box, "read_file", path="logo.png")
    assert out.is_error and "binary file" in out.content


async def test_read_errors_are_clear(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "short.txt").write_text("one\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9\n")
    assert "no such file" in (await call(box, "read_file", path="missing.txt")).content
    assert "is a directory" in (await call(box, "read_file", path="d")).content
    assert "past the end" in (await call(box, "read_file", path="short.txt", offset=5)).content
    assert "empty" in (await call(box, "read_file", path="empty.txt")).content
    assert "caf\ufffd" in (await call(box, "read_file", path="latin.txt")).content
    missing = await call(box, "read_file")
    assert missing.is_error and "missing required argument 'path'" in missing.content
    bad = await call(box, "read_file", path="short.txt", offset="many")
    assert bad.is_error and "offset" in bad.content


# -- write_file -----------------------------------------------------------------------------------


async def test_write_creates_parents_and_shows_a_creation_diff(box: ToolBox, tmp_path: Path) -> None:
    prepared = box.prepare(ToolCall("w", "write_file", {"path": "pkg/sub/new.py", "content": "x = 1\n"}))
    assert prepared.preview is not None
    assert "--- /dev/null" in prepared.preview and "+++ b/pkg/sub/new.py" in prepared.preview
    assert not (tmp_path / "pkg").exists()  # prepare changes nothing
    out = await box.run(prepared)
    assert not out.is_error and out.content.startswith("created pkg/sub/new.py")
    assert (tmp_path / "pkg" / "sub" / "new.py").read_text() == "x = 1\n"
    assert out.diff is not None and "+x = 1" in out.diff


async def test_write_overwrites_keeping_mode_and_diffs_against_old(box: ToolBox, tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("echo old\n")
    script.chmod(0o755)
    out = await call(box, "write_file", path="run.sh", content="echo new\n")
    assert out.content.startswith("updated run.sh")
    assert "-echo old" in (out.diff or "") and "+echo new" in (out.diff or "")
    assert script.read_text() == "echo new\n"
    assert script.stat().st_mode & 0o777 == 0o755
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".flux-tmp")]


async def test_write_refuses_a_directory(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    out = await call(box, "write_file", path="d", content="x")
    assert out.is_error and "directory" in out.content


# -- edit_file ------------------------------------------------------------------------------------

SOURCE = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


async def test_edit_replaces_a_unique_string_with_a_diff(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    prepared = box.prepare(
        ToolCall("e", "edit_file", {"path": "m.py", "old_string": "a + b", "new_string": "b + a"})
    )
    assert prepared.preview is not None and "-    return a + b" in prepared.preview
    assert (tmp_path / "m.py").read_text() == SOURCE  # prepare changes nothing
    out = await box.run(prepared)
    assert out.content == "edited m.py: replaced 1 occurrence (+1 -1 lines)"
    assert (tmp_path / "m.py").read_text() == SOURCE.replace("a + b", "b + a")


async def test_edit_fails_clearly_when_missing_or_not_unique(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    missing = await call(box, "edit_file", path="m.py", old_string="a * b", new_string="x")
    assert missing.is_error and "was not found in m.py" in missing.content
    twice = await call(box, "edit_file", path="m.py", old_string="(a, b)", new_string="(x, y)")
    assert twice.is_error and "appears 2 times" in twice.content and "replace_all" in twice.content
    same = await call(box, "edit_file", path="m.py", old_string="a", new_string="a")
    assert same.is_error and "identical" in same.content
    empty = await call(box, "edit_file", path="m.py", old_string="", new_string="x")
    assert empty.is_error and "write_file" in empty.content
    assert (tmp_path / "m.py").read_text() == SOURCE


async def test_edit_replace_all(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    out = await call(
        box, "edit_file", path="m.py", old_string="(a, b)", new_string="(x, y)", replace_all=True
    )
    assert "replaced 2 occurrences" in out.content
    assert (tmp_path / "m.py").read_text().count("(x, y)") == 2


async def test_edit_matches_lf_text_in_a_crlf_file(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes(b"one\r\ntwo\r\nthree\r\n")
    out = await call(box, "edit_file", path="w.txt", old_string="one\ntwo", new_string="1\n2")
    assert not out.is_error
    assert (tmp_path / "w.txt").read_bytes() == b"1\r\n2\r\nthree\r\n"


async def test_edit_refuses_binary(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "b.bin").write_bytes(b"abc\x00def")
    out = await call(box, "edit_file", path="b.bin", old_string="abc", new_string="x")
    assert out.is_error and "binary" in out.content


# -- the stale-write guard ------------------------------------------------------------------------


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


async def test_edit_refused_when_file_changed_since_read(box: ToolBox, tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(SOURCE)
    await call(box, "read_file", path="m.py")
    target.write_text(SOURCE + "# the user added this\n")
    _touch_later(target)

    out = await call(box, "edit_file", path="m.py", old_string="a + b", new_string="b + a")
    assert out.is_error and "changed on disk since you last read or wrote it" in out.content
    assert "read_file" in out.content
    assert target.read_text().endswith("# the user added this\n")

    again = await call(box, "write_file", path="m.py", content="overwrite")
    assert again.is_error and "changed on disk" in again.content

    await call(box, "read_file", path="m.py")  # reading again clears it
    assert not (await call(box, "edit_file", path="m.py", old_string="a + b", new_string="b + a")).is_error


async def test_change_while_the_user_looks_at_the_dialog_is_caught(box: ToolBox, tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(SOURCE)
    await call(box, "read_file", path="m.py")
    prepared = box.prepare(
        ToolCall("e", "edit_file", {"path": "m.py", "old_string": "a - b", "new_string": "b - a"})
    )
    assert prepared.error is None
    target.write_text(SOURCE.replace("add", "plus"))
    _touch_later(target)
    out = await box.run(prepared)
    assert out.is_error and "changed on disk" in out.content
    assert "plus" in target.read_text() and "b - a" not in target.read_text()


async def test_touched_but_unchanged_file_is_still_fresh(box: ToolBox, tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(SOURCE)
    await call(box, "read_file", path="m.py")
    _touch_later(target)
    out = await call(box, "edit_file", path="m.py", old_string="a + b", new_string="b + a")
    assert not out.is_error


async def test_own_writes_do_not_count_as_foreign_changes(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    await call(box, "read_file", path="m.py")
    assert not (await call(box, "edit_file", path="m.py", old_string="a + b", new_string="b + a")).is_error
    assert not (await call(box, "edit_file", path="m.py", old_string="a - b", new_string="b - a")).is_error
    assert not (await call(box, "write_file", path="m.py", content="fresh\n")).is_error


async def test_deleted_since_read_is_refused(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("x\n")
    await call(box, "read_file", path="gone.txt")
    (tmp_path / "gone.txt").unlink()
    out = await call(box, "write_file", path="gone.txt", content="y\n")
    assert out.is_error and "deleted since you last read or wrote it" in out.content


async def test_a_change_that_keeps_size_and_mtime_is_caught_on_a_fresh_stamp(
    box: ToolBox, tmp_path: Path
) -> None:
    """A file system with coarse times gives an edit made soon after a read the same mtime; with the
    same size, only the content tells. (Here the mtime is put back by hand, as such a file system would
    leave it.)"""
    target = tmp_path / "n.txt"
    target.write_text("notes v1\nline two\n")
    await call(box, "read_file", path="n.txt")
    st = target.stat()
    target.write_text("notes X5\nline two\n")  # the same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    out = await call(box, "write_file", path="n.txt", content="mine\n")
    assert out.is_error and "changed on disk" in out.content
    assert target.read_text() == "notes X5\nline two\n"


async def test_an_old_file_touched_to_its_own_time_is_not_read_again(
    box: ToolBox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file last changed well before it was read passes on its size and mtime alone, unhashed."""
    target = tmp_path / "old.txt"
    target.write_text("settled\n")
    week_ago = target.stat().st_mtime_ns - 7 * 86_400 * 10**9
    os.utime(target, ns=(week_ago, week_ago))
    await call(box, "read_file", path="old.txt")
    read_again: list[Path] = []
    original = stamps.read_regular

    def spy(path: Path, shown: str) -> Any:
        read_again.append(path)
        return original(path, shown)

    monkeypatch.setattr(stamps, "read_regular", spy)
    out = await call(box, "write_file", path="old.txt", content="new\n")
    assert not out.is_error
    assert read_again == []  # its size and mtime were enough
