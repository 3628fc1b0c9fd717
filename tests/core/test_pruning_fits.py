"""A conversation that fits the window is sent whole without being split into turns."""

from __future__ import annotations

import pytest

from flux_tui.core import pruning, tokens
from flux_tui.core.pruning import prune
from flux_tui.core.transcript import Message, TextBlock, ToolCall, Transcript


def ten(_: Message) -> int:
    return 10


def conversation(turns: int) -> Transcript:
    transcript = Transcript()
    for index in range(turns):
        transcript.add_user_text(f"prompt {index}")
        call = ToolCall(f"t{index}", "read_file", {"path": "a"})
        transcript.add_assistant([call], provider="p", model="m", stop_reason="tool_use")
        transcript.add_tool_result(call.id, "data")
        answer = [TextBlock(f"answer {index}")]
        transcript.add_assistant(answer, provider="p", model="m", stop_reason="end_turn")
    return transcript


def no_turns(_: Transcript) -> None:
    raise AssertionError("the turns were looked for although everything fits")


def test_a_conversation_that_fits_is_not_split_into_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    transcript = conversation(30)
    monkeypatch.setattr(pruning, "_segments", no_turns)
    result = prune(transcript, context_window=100_000, reserve_for_reply=1_000, count_message=ten)
    assert result.messages == transcript.messages and result.messages is not transcript.messages
    assert (result.dropped_turns, result.dropped_tokens, result.note, result.fits) == (0, 0, None, True)
    assert result.prompt_tokens == 10 * len(transcript) + tokens.REPLY_PRIMING


def test_one_token_over_the_room_drops_the_oldest_turn() -> None:
    transcript = conversation(3)  # 4 messages a turn, 40 tokens
    room = 10 * len(transcript) - 1
    result = prune(
        transcript, context_window=room + tokens.REPLY_PRIMING, reserve_for_reply=0, count_message=ten
    )
    assert (result.dropped_turns, result.dropped_tokens, result.fits) == (1, 40, True)
    assert result.messages == transcript.messages[4:]
    assert result.prompt_tokens == 80 + tokens.REPLY_PRIMING
