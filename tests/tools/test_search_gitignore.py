"""list_files and search_files leave out what .gitignore ignores, as git would (and .git itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox


async def call(box: ToolBox, name: str, **args: Any) -> ToolOutcome:
    prepared = box.prepare(ToolCall("id", name, args))
    if prepared.error is not None:
        return ToolOutcome(prepared.error, is_error=True)
    return await box.run(prepared)


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


async def test_ignored_files_are_neither_searched_nor_listed(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            ".gitignore": "*.log\n!keep.log\nsecrets/\n/out.txt\n",
            "app.py": "needle\n",
            "debug.log": "needle\n",
            "keep.log": "needle\n",
            "secrets/key.txt": "needle\n",
            "out.txt": "needle\n",
            "sub/out.txt": "needle\n",
            "sub/.gitignore": "local.txt\n",
            "sub/local.txt": "needle\n",
            ".git/HEAD": "needle\n",
        },
    )
    box = ToolBox(ws)
    expected = ["app.py", "keep.log", "sub/out.txt"]
    hits = (await call(box, "search_files", pattern="needle")).content.splitlines()
    assert [h.split(":")[0] for h in hits] == expected
    listed = (await call(box, "list_files")).content.splitlines()
    assert listed == [".gitignore", *expected[:2], "sub/.gitignore", "sub/out.txt"]


async def test_rules_of_the_repository_above_the_searched_path_apply(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            ".git/info/exclude": "scratch.txt\n",
            ".gitignore": "generated/\n",
            "pkg/generated/a.py": "needle\n",
            "pkg/scratch.txt": "needle\n",
            "pkg/real.py": "needle\n",
        },
    )
    out = await call(ToolBox(ws), "search_files", pattern="needle", path="pkg")
    assert out.content == "pkg/real.py:1: needle"


async def test_a_workspace_inside_a_repository_uses_the_repository_rules(tmp_path: Path) -> None:
    make(tmp_path, {".git/HEAD": "ref\n", ".gitignore": "*.tmp\n", "proj/a.tmp": "x\n", "proj/b.py": "x\n"})
    out = await call(ToolBox(tmp_path / "proj"), "list_files")
    assert out.content == "b.py"
