"""Approving a secret file "for the session" covers that file only, through whichever reader asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flux_tui.core.protocols import PreparedCall
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox


def prep(box: ToolBox, name: str, args: dict[str, Any]) -> PreparedCall:
    return box.prepare(ToolCall(id="c1", name=name, input=args))


def test_session_approval_of_one_secret_file_leaves_the_others_asking(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / ".env.local").write_text("B=2\n")
    (tmp_path / "id_rsa").write_text("key\n")
    box = ToolBox(tmp_path)
    first = prep(box, "read_file", {"path": ".env"})
    assert first.decision == "ask" and first.approval_key is not None
    assert first.session_scope == "reading .env only"
    box.allow_for_session(first.approval_key)
    assert prep(box, "read_file", {"path": "./.env"}).decision == "auto"
    assert prep(box, "read_file", {"path": ".env.local"}).decision == "ask"
    assert prep(box, "read_file", {"path": "id_rsa"}).decision == "ask"


async def test_a_link_swapped_to_another_secret_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / ".env.local").write_text("B=2\n")
    (tmp_path / "notes.txt").symlink_to(tmp_path / ".env")
    box = ToolBox(tmp_path)
    prepared = prep(box, "read_file", {"path": "notes.txt"})
    assert prepared.approval_key == "secret_file:.env"
    (tmp_path / "notes.txt").unlink()
    (tmp_path / "notes.txt").symlink_to(tmp_path / ".env.local")
    outcome = await box.run(prepared)
    assert outcome.is_error and "ask again" in outcome.content
