"""What the tools tell the model counts in words fit for the number: "1 line", not "1 lines"."""

from __future__ import annotations

from pathlib import Path

import pytest

from flux_tui.core.sanitize import sanitize_prompt
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox


@pytest.fixture
def box(tmp_path: Path) -> ToolBox:
    return ToolBox(tmp_path)


async def test_writing_one_line_says_one_line(box: ToolBox) -> None:
    out = await box.run(box.prepare(ToolCall("w", "write_file", {"path": "one.txt", "content": "x\n"})))
    assert out.content == "created one.txt (1 line, +1 -0)"


async def test_reading_past_the_end_of_a_one_line_file(box: ToolBox, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("only\n")
    out = await box.run(box.prepare(ToolCall("r", "read_file", {"path": "one.txt", "offset": 5})))
    assert out.is_error and "(1 line)" in out.content


def test_one_control_character_removed_from_a_prompt() -> None:
    assert sanitize_prompt("hi\x07 there").notes == [
        "1 character of control codes or terminal escapes was removed from the prompt."
    ]
