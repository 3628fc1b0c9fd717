"""The token encoding (27 MB, 39 MB while loading) is loaded only by a caller that waits for an exact
count: the estimates and pruning never load it, and pruning keeps a margin for the estimate's error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from flux_tui.core import pruning, tokens
from flux_tui.core.transcript import Message, TextBlock, Transcript

ENGLISH = (
    "The session recorder writes every event to SQLite as it happens, so a crash loses at most the last "
    "second of an answer. Resuming a session replays its events into the chat and the cost sidebar."
)
CJK = "我们今天讨论内存的使用情况以及如何减少它。这个程序在终端里运行，并且显示每个回答的费用。"


@pytest.fixture
def unloaded() -> Iterator[None]:
    tokens._reset_for_tests()
    try:
        yield
    finally:
        tokens.preload(background=False)  # the rest of the suite counts exactly


def _no_load_started() -> bool:
    return not tokens.is_ready() and tokens._loader is None


def test_estimates_never_start_loading_the_encoding(unloaded: None) -> None:
    transcript = Transcript()
    transcript.add_user_text(ENGLISH)
    assert tokens.count_tokens(ENGLISH, wait=False) == tokens.estimate_tokens(ENGLISH)
    tokens.count_messages(transcript, wait=False)
    tokens.count_tools([{"name": "read_file", "input_schema": {}}], wait=False)
    assert tokens.get_encoding(wait=False) is None
    assert _no_load_started()


def test_a_message_is_estimated_once(unloaded: None, monkeypatch: Any) -> None:
    """Pruning and the live estimate count the whole history before every request."""
    message = Message("user", [TextBlock(ENGLISH)])
    estimate = tokens.count_message(message, wait=False)
    walked: list[int] = []
    real = tokens._count_blocks
    monkeypatch.setattr(tokens, "_count_blocks", lambda blocks, wait: walked.append(1) or real(blocks, wait))
    assert tokens.count_message(message, wait=False) == estimate and walked == []
    tokens.preload(background=False)
    # Loaded or not, what the app counts without waiting stays the estimate (still the cached one).
    assert tokens.count_message(message, wait=False) == estimate and walked == []


def test_waiting_for_a_count_loads_the_encoding(unloaded: None) -> None:
    assert tokens.count_tokens("The quick brown fox jumps over the lazy dog.") == 10
    assert tokens.is_exact()


def _prune(transcript: Transcript, window: int) -> pruning.PruneResult:
    return pruning.prune(
        transcript,
        context_window=window,
        reserve_for_reply=100,
        count_message=lambda message: tokens.count_message(message, wait=False),
        wait=False,
    )


def test_pruning_far_from_the_window_keeps_the_estimate(unloaded: None) -> None:
    transcript = Transcript()
    transcript.add_user_text(ENGLISH)
    result = _prune(transcript, window=200_000)
    assert result.dropped_turns == 0
    assert _no_load_started()


def test_pruning_with_estimates_keeps_a_margin_and_never_loads_the_encoding(unloaded: None) -> None:
    transcript = Transcript()
    for _ in range(20):
        transcript.add_user_text(ENGLISH)
        transcript.add_assistant([TextBlock(ENGLISH)], provider="anthropic", model="m", stop_reason=None)
    estimate = tokens.count_messages(transcript, wait=False)
    assert _prune(transcript, window=100 + int(estimate / pruning.ESTIMATED_SHARE) + 50).dropped_turns == 0
    assert _prune(transcript, window=100 + estimate + 50).dropped_turns > 0  # fits the room, not the margin
    assert _no_load_started()


GERMAN = "Übermäßige Geschwindigkeit führt zu Unfällen, sagt die Straßenwacht."


@pytest.mark.parametrize("text", [ENGLISH, CJK, GERMAN])
def test_the_estimate_is_near_the_exact_count(text: str) -> None:
    exact = tokens.count_tokens(text)
    assert 0.7 * exact <= tokens.estimate_tokens(text) <= 1.3 * exact
