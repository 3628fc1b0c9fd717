"""Pruning keeps requests inside the window, drops whole turns, never orphans a tool result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.core import tokens
from flux_tui.core.pruning import prune
from flux_tui.core.transcript import Message, TextBlock, ToolCall, ToolResult, Transcript


def ten(_: Message) -> int:
    return 10


def build(turns: list[int]) -> Transcript:
    """One turn per item: a prompt, then that many tool rounds (call + result), then a text answer."""
    transcript = Transcript()
    for index, rounds in enumerate(turns):
        transcript.add_user_text(f"prompt {index}")
        for step in range(rounds):
            call = ToolCall(f"t{index}_{step}", "read_file", {"path": "a"})
            transcript.add_assistant([call], provider="p", model="m", stop_reason="tool_use")
            transcript.add_tool_result(call.id, "data")
        transcript.add_assistant(
            [TextBlock(f"answer {index}")], provider="p", model="m", stop_reason="end_turn"
        )
    return transcript


def fixed_cost(system_prompt: str = "", file_text: str | None = None) -> int:
    return tokens.count_tokens(system_prompt) + tokens.count_tokens(file_text or "") + tokens.REPLY_PRIMING


def test_nothing_dropped_when_it_fits() -> None:
    transcript = build([0, 1, 0])
    result = prune(transcript, context_window=10_000, reserve_for_reply=1_000, count_message=ten)
    assert result.messages == transcript.messages
    assert (result.dropped_turns, result.dropped_tokens, result.note, result.fits) == (0, 0, None, True)
    assert result.prompt_tokens == 10 * len(transcript) + fixed_cost()


def test_oldest_whole_turns_go_first_and_are_reported() -> None:
    transcript = build([1, 0, 0, 0])  # turn sizes in messages: 4, 2, 2, 2
    before = transcript.to_dict()
    # Room for 50 tokens of messages: the 40-token first turn must go, the rest (60) still too much,
    # so the second one goes too.
    window = 50 + fixed_cost("sys") + 100
    result = prune(
        transcript, context_window=window, reserve_for_reply=100, system_prompt="sys", count_message=ten
    )
    assert result.dropped_turns == 2
    assert result.dropped_tokens == 60
    assert [m.text for m in result.messages if m.role == "user"] == ["prompt 2", "prompt 3"]
    assert result.note is not None and "Left out 2 earlier turns (~60 tokens)" in result.note
    assert result.fits
    assert transcript.to_dict() == before  # pure: the transcript is untouched


def test_file_context_and_system_prompt_count_against_the_budget() -> None:
    transcript = build([0, 0, 0])  # three turns of 20 tokens
    big_file = "line of code\n" * 200
    window = 100 + fixed_cost("system", big_file) + 45  # room for two turns besides prompt and file
    plain = prune(transcript, context_window=window, reserve_for_reply=100, count_message=ten)
    with_file = prune(
        transcript,
        context_window=window,
        reserve_for_reply=100,
        system_prompt="system",
        file_context_text=big_file,
        count_message=ten,
    )
    assert plain.dropped_turns == 0
    assert (with_file.dropped_turns, with_file.dropped_tokens, with_file.fits) == (1, 20, True)
    assert with_file.prompt_tokens == fixed_cost("system", big_file) + 40


def test_the_current_turn_is_never_dropped_even_when_too_big() -> None:
    transcript = build([0, 0, 3])
    result = prune(transcript, context_window=30, reserve_for_reply=10, count_message=ten)
    assert result.messages == transcript.turns()[-1]
    assert result.fits is False
    assert result.note is not None and "larger than" in result.note


def test_text_next_to_tool_results_does_not_split_a_call_from_its_result() -> None:
    transcript = Transcript()
    transcript.add_user_text("first")
    call = ToolCall("c1", "read_file", {"path": "x"})
    transcript.add_assistant([call], provider="p", model="m", stop_reason="tool_use")
    # An imported history put a typed note beside the tool result: turns() starts a new turn here.
    transcript.messages.append(
        Message(role="user", blocks=[ToolResult("c1", "data"), TextBlock("also this")])
    )
    transcript.add_assistant([TextBlock("done")], provider="p", model="m", stop_reason="end_turn")
    transcript.add_user_text("last")
    result = prune(transcript, context_window=10_000, reserve_for_reply=0, count_message=ten)
    assert result.dropped_turns == 0
    squeezed = prune(transcript, context_window=25, reserve_for_reply=0, count_message=ten)
    assert squeezed.dropped_turns == 2  # both turns() of the call's segment went together
    assert [m.text for m in squeezed.messages] == ["last"]


# -- property: any transcript, any window ---------------------------------------------------------


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    transcript = Transcript()
    for index in range(draw(st.integers(1, 6))):
        transcript.add_user_text("p" * draw(st.integers(1, 40)))
        for step in range(draw(st.integers(0, 3))):
            calls = [ToolCall(f"c{index}_{step}_{n}", "t", {"n": n}) for n in range(draw(st.integers(1, 3)))]
            transcript.add_assistant(calls, provider="p", model="m", stop_reason="tool_use")
            for call in calls:
                transcript.add_tool_result(call.id, "r" * draw(st.integers(0, 60)))
        if draw(st.booleans()):
            transcript.add_assistant(
                [TextBlock("a" * draw(st.integers(1, 40)))], provider="p", model="m", stop_reason="end_turn"
            )
    return transcript


@settings(max_examples=150, deadline=None)
@given(transcripts(), st.integers(0, 3000), st.integers(0, 200))
def test_pruned_requests_are_valid_and_fit(transcript: Transcript, window: int, reserve: int) -> None:
    def count(message: Message) -> int:
        return 1 + sum(
            len(b.text if isinstance(b, TextBlock) else getattr(b, "content", "x")) for b in message.blocks
        )

    result = prune(transcript, context_window=window, reserve_for_reply=reserve, count_message=count)
    kept = result.messages
    # A suffix of the conversation that holds the whole current turn.
    assert kept == transcript.messages[len(transcript.messages) - len(kept) :]
    assert kept[-len(transcript.turns()[-1]) :] == transcript.turns()[-1]
    # Every result has its call before it, and every answered call keeps its result.
    seen_calls: set[str] = set()
    kept_results = {r.tool_use_id for m in kept for r in m.tool_results}
    all_results = {r.tool_use_id for m in transcript.messages for r in m.tool_results}
    for message in kept:
        seen_calls.update(c.id for c in message.tool_calls)
        for result_block in message.tool_results:
            assert result_block.tool_use_id in seen_calls
    assert {c for c in seen_calls if c in all_results} <= kept_results
    # It starts at a prompt, and the accounting adds up.
    assert kept[0].role == "user" and kept[0].text
    dropped = transcript.messages[: len(transcript.messages) - len(kept)]
    assert result.dropped_tokens == sum(count(m) for m in dropped)
    assert result.dropped_turns == len(transcript.turns()) - len(Transcript(messages=list(kept)).turns())
    budget = window - reserve - fixed_cost()
    assert result.fits == (sum(count(m) for m in kept) <= budget)
    if result.dropped_turns:
        # Nothing was dropped needlessly: with one more turn it would not have fit.
        last_dropped = Transcript(messages=dropped).turns()[-1]
        assert sum(count(m) for m in last_dropped) + sum(count(m) for m in kept) > budget
