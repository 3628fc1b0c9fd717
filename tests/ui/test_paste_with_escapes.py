"""A bracketed paste holding escape characters (text copied from a terminal: colours, a log) reaches the
prompt as one paste, its escape sequences dropped: Textual's parser alone leaves the paste at the first
ESC, and the rest arrives as key presses, an Enter among them sending the prompt."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from textual import events
from textual._xterm_parser import XTermParser
from ui_pilot import SIZE, wait_until

from flux_tui.ui import app as _app  # noqa: F401  (importing the app applies the Textual patches)
from flux_tui.ui.early_keys import post_early_keys
from flux_tui.ui.paste_guard import PASTE_END, PASTE_START, without_escapes

COLOURED = "ERROR \x1b[31mdisk full\x1b[0m\r!rm -rf build\x1b]0;title\x07 done"


def _parse(chunks: list[str]) -> list[tuple[str, str]]:
    parser = XTermParser()
    tokens = [token for chunk in chunks for token in parser.feed(chunk)]
    tokens += list(parser.feed(""))
    return [
        ("paste", token.text) if isinstance(token, events.Paste) else ("key", token.key)
        for token in tokens
        if isinstance(token, events.Paste | events.Key)
    ]


def _cut(text: str, cuts: list[int]) -> list[str]:
    points = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    return [text[start:end] for start, end in itertools.pairwise(points) if end > start]


def test_a_coloured_paste_is_one_paste_without_its_escapes() -> None:
    stream = f"a{PASTE_START}{COLOURED}{PASTE_END}b"
    assert _parse([stream]) == [
        ("key", "a"),
        ("paste", "ERROR disk full\r!rm -rf build done"),
        ("key", "b"),
    ]


def test_markers_and_escapes_cut_between_reads_are_found() -> None:
    stream = f"a{PASTE_START}x\x1b[1my{PASTE_END}b"
    for cut in range(1, len(stream)):
        assert _parse([stream[:cut], stream[cut:]]) == [
            ("key", "a"),
            ("paste", "xy"),
            ("key", "b"),
        ], cut
    assert _parse(list(stream)) == [("key", "a"), ("paste", "xy"), ("key", "b")]


def test_a_paste_ending_in_an_escape_and_a_second_paste_in_the_same_read() -> None:
    stream = f"{PASTE_START}one\x1b{PASTE_END}{PASTE_START}two{PASTE_END}"
    assert _parse([stream]) == [("paste", "onetwo")]  # read together: one paste, the same text
    apart = stream.index(PASTE_END) + len(PASTE_END)  # read apart: two
    assert _parse([stream[:apart], stream[apart:]]) == [("paste", "one"), ("paste", "two")]


@given(
    content=st.text(alphabet="ab \r\x1b[0123m~;]\x07", max_size=40),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_any_paste_cut_anywhere_is_one_paste(content: str, cuts: list[int]) -> None:
    assume(PASTE_END not in content and PASTE_START not in content)
    stream = f"x{PASTE_START}{content}{PASTE_END}y"
    parsed = _parse(_cut(stream, cuts))
    assert parsed[0] == ("key", "x") and parsed[-1] == ("key", "y")
    pastes = [text for kind, text in parsed[1:-1] if kind == "paste"]
    assert len(parsed) == 3 and pastes == [without_escapes(content)]
    assert "\x1b" not in pastes[0]


async def test_an_enter_inside_a_coloured_paste_does_not_send_the_prompt(make_app: Any) -> None:
    app = make_app()
    post_early_keys(app, f"{PASTE_START}{COLOURED}{PASTE_END}".encode())
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.conversation.prompt_input
        await wait_until(pilot, lambda: prompt.text == "ERROR disk full\n!rm -rf build done")
        await pilot.pause()
        assert app.conversation.chat.prompts == []


def test_a_paste_holding_the_end_marker_does_not_break_out_into_keys() -> None:
    # What a terminal that leaves the marker in pasted text sends for it: the marker, then a command.
    stream = f"{PASTE_START}safe{PASTE_END}!touch pwned\r{PASTE_END}{PASTE_START}next{PASTE_END}x"
    assert _parse([stream]) == [("paste", "safe!touch pwned\rnext"), ("key", "x")]
    # Balanced by a start marker of its own: the same.
    balanced = f"{PASTE_START}x{PASTE_END}\r!touch pwned\r{PASTE_START}y{PASTE_END}"
    assert _parse([balanced]) == [("paste", "x\r!touch pwned\ry")]
    # Read in two pieces, the two end markers in the same one: the same. (With the false marker at
    # the end of one read and the true one in the next, the reads cannot be told from a paste followed
    # by keys: the terminal's filter is the defence there.)
    first, second = stream.index(PASTE_END), stream.index(PASTE_END, stream.index("pwned"))
    for cut in [*range(1, first), *range(second + len(PASTE_END), len(stream))]:
        assert _parse([stream[:cut], stream[cut:]])[0][1].startswith("safe!touch pwned\r"), cut
