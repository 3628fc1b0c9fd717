"""list_files patterns find paths with literal brackets (Next.js-style ``[id]`` route folders) too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox

FILES = ("src/[id]/page.tsx", "src/[...slug]/page.tsx", "src/i/page.tsx", "src/d/page.tsx", "notes[1].md")


async def listed(root: Path, **args: Any) -> list[str]:
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x\n")
    box = ToolBox(root)
    prepared = box.prepare(ToolCall("id", "list_files", args))
    assert prepared.error is None
    outcome: ToolOutcome = await box.run(prepared)
    assert not outcome.is_error
    return outcome.content.splitlines()


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # a glob first: [id] is a character class matching src/i and src/d ...
        ("src/[id]/*", ["src/[id]/page.tsx", "src/d/page.tsx", "src/i/page.tsx"]),
        # ... and the literal folder too
        ("src/[...slug]/*", ["src/[...slug]/page.tsx"]),
        ("src/[id]/page.tsx", ["src/[id]/page.tsx", "src/d/page.tsx", "src/i/page.tsx"]),
        ("notes[1].md", ["notes[1].md"]),
        ("**/[id]/*.tsx", ["src/[id]/page.tsx", "src/d/page.tsx", "src/i/page.tsx"]),
        ("*.md", ["notes[1].md"]),
    ],
)
async def test_brackets_match_literally_as_well(tmp_path: Path, pattern: str, expected: list[str]) -> None:
    assert sorted(await listed(tmp_path, pattern=pattern)) == expected


async def test_no_match_still_says_so(tmp_path: Path) -> None:
    assert await listed(tmp_path, pattern="src/[zz]/*") == ["no files matching 'src/[zz]/*' under ."]
