"""A file name with spaces: Tab completes it quoted (``@"my notes.md"``), the quoted mention attaches it,
and a mention that attaches nothing though it was meant as a path says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import complete_mention, expand_mentions, split_context


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    (tmp_path / "my notes.md").write_text("milk\n")
    (tmp_path / "my dir").mkdir()
    (tmp_path / "my dir" / "a b.txt").write_text("inner\n")
    (tmp_path / "plain.txt").write_text("plain\n")
    return Workspace(tmp_path)


def test_tab_completes_a_name_with_a_space_in_quotes(ws: Workspace) -> None:
    assert complete_mention("read @my", ws) == ['read @"my dir/"', 'read @"my notes.md"']
    assert complete_mention('read @"my dir/a', ws) == ['read @"my dir/a b.txt"']
    assert complete_mention('read @"my dir/"', ws) == ['read @"my dir/a b.txt"']  # Tab goes on inside
    assert complete_mention("read @pl", ws) == ["read @plain.txt"]


def test_every_completion_attaches(ws: Workspace) -> None:
    for typed in ("read @my", 'read @"my dir/a'):
        for completed in complete_mention(typed, ws):
            out = expand_mentions(completed, ws)
            assert out.attached and not out.refused, completed


def test_a_quoted_mention_attaches_the_file(ws: Workspace) -> None:
    out = expand_mentions('what is in @"my notes.md"?', ws)
    assert [a.shown for a in out.attached] == ["my notes.md"]
    assert '<file path="my notes.md">\nmilk\n</file>' in out.text
    assert split_context(out.text) == ('what is in @"my notes.md"?', ["my notes.md"])


def test_a_mention_cut_at_the_space_says_it_attached_nothing(ws: Workspace) -> None:
    out = expand_mentions("read @my notes.md", ws)
    assert out.attached == []
    assert out.refused == ['@my attaches nothing: a name with spaces goes in quotes, as @"my dir"']


def test_a_quoted_mention_of_no_file_says_so(ws: Workspace) -> None:
    out = expand_mentions('read @"no such.md"', ws)
    assert out.refused == ['@"no such.md" not attached: no such file or directory in the workspace']


def test_a_plain_word_stays_silent(ws: Workspace) -> None:
    assert expand_mentions("ask @team about it", ws).refused == []
