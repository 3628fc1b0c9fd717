"""``flux-tui export -o PATH``: a path that cannot be written is one message and exit 1, never a
traceback, and a file is only replaced once the export exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_samples import add_session

from flux_tui.cli import main


@pytest.fixture
def session_id(cli_env: Path) -> str:
    return add_session(cli_env / "data" / "sessions.db", "What is a monad?", "A burrito.")


@pytest.mark.parametrize("target", ["a-directory", "no-such-dir/x.md"])
def test_an_unwritable_output_is_one_message_and_exit_1(
    cli_env: Path, session_id: str, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    (cli_env / "a-directory").mkdir()
    path = cli_env / target
    assert main(["export", session_id, "-o", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"flux-tui: cannot write {path}: ")
    assert "Traceback" not in err[0] and "Error" not in err[0]


def test_a_wrong_id_leaves_the_output_file_as_it_was(
    cli_env: Path, session_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = cli_env / "notes.md"
    path.write_text("my notes\n")
    assert main(["export", "nosuchid", "-o", str(path)]) == 1
    assert path.read_text() == "my notes\n"
    assert main(["export", session_id, "-o", str(path)]) == 0
    assert "A burrito." in path.read_text()
