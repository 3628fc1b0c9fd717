"""How a comparison words a turn's tool calls: the table names each call, marked when it did not run to
the end; the compare screen counts them, with the calls that did not run by how they ended."""

from __future__ import annotations

from flux_tui.compare.figures import CallFigures, RunFigures, TurnFigures, run_figures
from flux_tui.compare.output import to_table
from flux_tui.core.agent_events import StepFinished, TextDelta, TurnFinished, TurnStarted
from flux_tui.ui.screens.compare_screen import turn_summary


def call(name: str, status: str) -> CallFigures:
    return CallFigures(name, {}, None, 0.0, status=status)


def test_one_call_is_one_call() -> None:
    turn = TurnFigures("p", tool_calls=[call("read_file", "done")], seconds=1.0)
    assert turn.calls_summary == "1 tool call"
    assert turn_summary(1, turn).endswith("1.0s · 1 tool call")


def test_calls_that_did_not_run_are_counted_by_how_they_ended() -> None:
    calls = [call("read_file", "done"), call("run_command", "denied"), call("mcp__a__b", "denied")]
    calls.append(call("write_file", "failed"))
    turn = TurnFigures("p", tool_calls=calls)
    assert turn.calls_summary == "4 tool calls (2 denied, 1 failed)"


def test_the_table_marks_each_call_that_did_not_run_and_a_failed_turn_says_why() -> None:
    ran = TurnFigures("p", answer="ok", tool_calls=[call("read_file", "done"), call("run_command", "denied")])
    failed = TurnFigures("p", error="invalid key for openai (OPENAI_API_KEY)")
    table = to_table("s", [RunFigures("a", "m", [ran]), RunFigures("b", "n", [failed])])
    row = next(line for line in table.splitlines() if line.startswith("tool calls"))
    assert "2: read_file, run_command (denied)" in row
    answer = next(line for line in table.splitlines() if line.startswith("answer"))
    assert "(invalid key for openai (OPENAI_A…" in answer  # cut to the column
    assert turn_summary(1, failed).endswith(" · invalid key for openai (OPENAI_API_KEY)")


def test_an_answer_in_steps_keeps_them_apart() -> None:
    # A reply before a tool call and the one after it are two paragraphs, as the chat shows them.
    events = [
        TurnStarted(turn_id=1, prompt="p", provider="a", model="m"),
        TextDelta(text="Let me use a tool."),
        StepFinished(stop_reason="tool_use"),
        TextDelta(text="The tool "),
        TextDelta(text="said hi."),
        StepFinished(stop_reason="end_turn"),
        TurnFinished(stop_reason="end_turn"),
    ]
    (turn,) = run_figures(events).turns
    assert turn.answer == "Let me use a tool.\n\nThe tool said hi."
