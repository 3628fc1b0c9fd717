"""``@path`` mentions: what is attached, what is refused and why, and Tab completion of paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import (
    MAX_ATTACH_BYTES,
    ShellOutput,
    complete_mention,
    expand_mentions,
    split_context,
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "notes.txt").write_text("buy milk\n")
    (root / "src" / "main.py").write_text("print('hi')\n")
    (root / ".env").write_text("OPENAI_API_KEY=sk-secret\n")
    (root / ".hidden").write_text("h\n")
    return Workspace(root)


def test_a_file_is_attached_after_the_typed_text(ws: Workspace) -> None:
    out = expand_mentions("what does @notes.txt say?", ws)
    assert out.text.startswith("what does @notes.txt say?\n\n<context>\n")
    assert '<file path="notes.txt">\nbuy milk\n</file>' in out.text
    assert [(a.shown, a.kind) for a in out.attached] == [("notes.txt", "file")]
    assert split_context(out.text) == ("what does @notes.txt say?", ["notes.txt"])


def test_a_directory_attaches_its_listing(ws: Workspace) -> None:
    out = expand_mentions("look at @src", ws)
    assert '<directory path="src/">\npkg/\nmain.py\n</directory>' in out.text


def test_trailing_punctuation_and_repeats(ws: Workspace) -> None:
    out = expand_mentions("see @notes.txt, and again @notes.txt.", ws)
    assert [a.shown for a in out.attached] == ["notes.txt"]


@pytest.mark.parametrize(
    "prompt",
    [
        "ask @team or mail me@example.com",
        "why does @pytest.fixture fail with @types/node and @dataclass?",  # decorators, packages
    ],
)
def test_words_and_addresses_that_name_no_file_stay_text(ws: Workspace, prompt: str) -> None:
    out = expand_mentions(prompt, ws)
    assert out.text == prompt and not out.attached and not out.refused


def test_secret_files_are_not_attached(ws: Workspace) -> None:
    out = expand_mentions("check @.env", ws)
    assert "sk-secret" not in out.text and not out.attached
    assert out.refused and "may hold secrets" in out.refused[0]


def test_paths_outside_the_workspace_are_refused(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text("private\n")
    os.symlink(tmp_path / "outside.txt", ws.root / "link.txt")
    for mention in ("@../outside.txt", f"@{tmp_path / 'outside.txt'}", "@link.txt"):
        out = expand_mentions(f"read {mention}", ws)
        assert "private" not in out.text and "outside the workspace" in out.refused[0], mention


def test_large_files_are_cut_with_a_note(ws: Workspace) -> None:
    (ws.root / "big.log").write_text("a line of the log\n" * (MAX_ATTACH_BYTES // 10))
    out = expand_mentions("@big.log", ws)
    assert len(out.text) < MAX_ATTACH_BYTES + 500
    assert out.attached[0].note and "read_file can read the rest" in out.text


def test_shell_output_joins_the_context(ws: Workspace) -> None:
    out = expand_mentions("why?", ws, shell=[ShellOutput("make test", "FAILED x\n[exit code 1]")])
    assert '<command line="make test">\nFAILED x\n[exit code 1]\n</command>' in out.text
    assert split_context(out.text)[1] == ["!make test"]


def test_completion_of_paths(ws: Workspace) -> None:
    assert complete_mention("explain @no", ws) == ["explain @notes.txt"]
    assert complete_mention("explain @s", ws) == ["explain @src/"]
    assert complete_mention("@src/", ws) == ["@src/main.py", "@src/pkg/"]
    assert complete_mention("@", ws) == ["@notes.txt", "@src/"]  # hidden files only when asked
    assert complete_mention("@.h", ws) == ["@.hidden"]
    assert complete_mention("@../", ws) == []
    assert complete_mention("no mention", ws) == []


def test_a_path_whose_folder_is_there_or_a_slip_of_a_name_says_it_attaches_nothing(ws: Workspace) -> None:
    out = expand_mentions("fix @src/mian.py, then @notes.tx and @src/gone.py", ws)
    assert not out.attached
    assert out.refused == [
        "@src/mian.py not attached: no such file or directory in the workspace; did you mean @src/main.py?",
        "@notes.tx not attached: no such file or directory in the workspace; did you mean @notes.txt?",
        "@src/gone.py not attached: no such file or directory in the workspace",
    ]


def test_a_slip_of_letter_case_is_pointed_out_and_a_line_number_attaches_the_file(ws: Workspace) -> None:
    out = expand_mentions("see @NOTES.TXT and line 3 of @src/main.py:3 (or @src/main.py:1-2)", ws)
    assert [a.shown for a in out.attached] == ["src/main.py"]
    assert out.refused == [
        "@NOTES.TXT not attached: no such file or directory in the workspace; did you mean @notes.txt?"
    ]


def test_a_file_named_without_its_folder_is_pointed_to_where_it_is(ws: Workspace) -> None:
    out = expand_mentions("why does @main.py print hi?", ws)
    assert not out.attached
    assert out.refused == [
        "@main.py not attached: no such file or directory in the workspace; did you mean @src/main.py?"
    ]


def test_every_file_of_that_name_is_offered_but_none_in_an_ignored_folder(ws: Workspace) -> None:
    root = ws.root
    for folder in ("tests", "node_modules/lib", ".venv/lib"):
        (root / folder).mkdir(parents=True)
        (root / folder / "MAIN.py").write_text("x\n")
    (root / ".gitignore").write_text("build/\n")
    (root / "build").mkdir()
    (root / "build" / "main.py").write_text("x\n")
    out = expand_mentions("see @main.py.", ws)
    assert out.refused == [
        "@main.py not attached: no such file or directory in the workspace; "
        "did you mean @src/main.py or @tests/MAIN.py?"
    ]


def test_a_dotted_word_that_names_no_file_anywhere_stays_text(ws: Workspace) -> None:
    out = expand_mentions("use @pytest.fixture and @property.setter here", ws)
    assert out.refused == [] and not out.attached
    assert out.text == "use @pytest.fixture and @property.setter here"
