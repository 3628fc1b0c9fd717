"""The current-file block providers append to the system prompt."""

from __future__ import annotations

from pathlib import Path

from flux_tui.core.context import render_file_context


def test_no_current_file() -> None:
    assert render_file_context(None) is None
    assert render_file_context("") is None


def test_text_file_is_named_and_included(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text("def main():\n    return 1\n", encoding="utf-8")
    assert render_file_context(str(path)) == (
        f"Current file: {path}\n<file_content>\ndef main():\n    return 1\n</file_content>"
    )


def test_relative_path_reads_from_root_and_shows_as_given(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("hello", encoding="utf-8")
    block = render_file_context("src/a.txt", root=tmp_path)
    assert block == "Current file: src/a.txt\n<file_content>\nhello\n</file_content>"


def test_large_file_is_cut_at_a_line_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    lines = [f"line {n:04d} é\n" for n in range(1000)]  # multi-byte characters on every line
    path.write_text("".join(lines), encoding="utf-8")
    block = render_file_context(str(path), max_bytes=1000)
    assert block is not None
    content = block.split("<file_content>\n", 1)[1].split("</file_content>", 1)[0]
    assert content == "".join(lines[: content.count("\n")])
    assert len(content.encode()) <= 1000 and content.count("\n") == 1000 // len(lines[0].encode())
    size = path.stat().st_size
    assert f"[Truncated: showing the first {content.count(chr(10))} lines" in block
    assert f"of {size:,} bytes" in block


def test_long_single_line_cut_mid_character_stays_valid(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("é" * 1000, encoding="utf-8")
    block = render_file_context(str(path), max_bytes=101)
    assert block is not None and "\ufffd" not in block
    assert "é" * 50 in block and "Truncated" in block


def test_binary_missing_directory_and_empty(tmp_path: Path) -> None:
    binary = tmp_path / "logo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert (
        render_file_context(str(binary))
        == f"Current file: {binary} (binary file, 272 bytes; content not shown)"
    )
    assert (
        render_file_context(str(tmp_path / "gone.txt"))
        == f"Current file: {tmp_path / 'gone.txt'} (the file no longer exists)"
    )
    assert render_file_context(str(tmp_path)) == f"Current file: {tmp_path} (a directory, not a file)"
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert render_file_context(str(empty)) == f"Current file: {empty} (empty file)"
