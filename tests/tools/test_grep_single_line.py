"""search_files runs single-line patterns over a whole file at once: it must find exactly the lines
that matching line by line finds."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.tools.grep import Budget, Matcher, grep_file, single_line_pattern

ATOMS = ["a", "b", ".", r"\w", r"\d", r"\S", r"\b", "^", "$", "[ab]", "[]a]", "[a-c ]", r"\.", " "]


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()):
            inner = draw(patterns(depth + 1))
            if draw(st.booleans()):
                inner = f"{inner}|{draw(patterns(depth + 1))}"
            atom = f"({inner})" if draw(st.booleans()) else f"(?:{inner})"
        else:
            atom = draw(st.sampled_from(ATOMS))
        atom += draw(st.sampled_from(["", "", "*", "+", "?", "{1,2}", "*?", "++"]))
        parts.append(atom)
    return "".join(parts)


TEXTS = st.lists(st.text(alphabet="ab1 .\r]-c", max_size=12), max_size=6).map("\n".join)


@pytest.mark.parametrize(
    "pattern",
    [r"def \w+\(", "TODO", r"^import (re|os)$", r"[]x]+", r"a{2,3}", "a|^$", r"\bword\b"],
)
def test_plain_patterns_take_the_whole_file_path(pattern: str) -> None:
    assert single_line_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    [r"a\sb", r"[^a]", r"\Afoo", r"foo\Z", r"(?i)foo", r"(?s).", r"(?<=a)b", r"(a)\1", r"(?:ab){e<=1}",
     "[[:alpha:]]", r"\W", r"\D", "a\nb", r"\n", r"[\b]", "(?=a)", "[a"],
)
def test_patterns_that_may_see_past_a_line_go_line_by_line(pattern: str) -> None:
    assert not single_line_pattern(pattern)


@settings(max_examples=400, deadline=None)
@given(pattern=patterns(), text=TEXTS)
def test_whole_file_and_line_by_line_find_the_same_lines(tmp_path_factory: pytest.TempPathFactory,
                                                         pattern: str, text: str) -> None:
    try:
        regex.compile(pattern)
    except regex.error:
        return
    assert single_line_pattern(pattern)
    path = tmp_path_factory.mktemp("grep") / "f.txt"
    path.write_bytes(text.encode())
    matcher = Matcher(pattern)
    budget = Budget(60, threading.Event())
    whole = grep_file(path, matcher, budget)
    matcher.joined = None
    assert whole == grep_file(path, matcher, budget), pattern


def test_whole_file_search_matches_the_reference(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x = 1\r\nimport os\r\n\nimport re\n")
    budget = Budget(60, threading.Event())
    assert grep_file(path, Matcher(r"^import (re|os)$"), budget) == [(2, "import os"), (4, "import re")]
    assert grep_file(path, Matcher("^$"), budget) == [(3, "")]
