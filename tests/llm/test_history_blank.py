"""Whitespace-only text is left out of requests exactly as ``str.strip`` would find it empty."""

from __future__ import annotations

import pytest

from flux_tui.core.transcript import Message, TextBlock
from flux_tui.llm._history import _blank, prepare_history

TEXTS = ["", " ", "\n\t ", "\u2003\u00a0", "\x1c\x1f", "a", " a ", "\u200b", "\n\nanswer\n", "\u3000x"]


@pytest.mark.parametrize("text", TEXTS)
def test_blank_is_what_strip_leaves_empty(text: str) -> None:
    assert _blank(text) is (not text.strip())


def test_blank_text_blocks_are_not_sent() -> None:
    history = [
        Message(role="user", blocks=[TextBlock("\u2003 \n"), TextBlock("question")]),
        Message(role="assistant", blocks=[TextBlock(" \t"), TextBlock("answer")], provider="p", model="m"),
    ]
    turns = prepare_history(history)
    assert [[block.text for block in turn.blocks] for turn in turns] == [["question"], ["answer"]]  # type: ignore[union-attr]
