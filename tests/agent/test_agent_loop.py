"""The agent loop over a scripted provider: event order, commits, tools round trip, step limit, seams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from agent_doubles import (
    Recorder,
    ScriptedProvider,
    assert_valid_history,
    calls,
    done,
    reply,
    text,
    tool_use,
    usage,
)

from flux_tui.core.agent import Agent, default_stream_step
from flux_tui.core.agent_events import (
    MessageCommitted,
    Notice,
    ProviderSwitched,
    StepFinished,
    TextDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    TurnFinished,
    TurnStarted,
    UsageReported,
    event_from_dict,
    event_to_dict,
)
from flux_tui.core.pricing import price_usage
from flux_tui.core.protocols import StepRequest
from flux_tui.core.transcript import ToolCall, Transcript
from flux_tui.tools import ToolBox


def make_agent(
    script: list[list[Any]], tmp_path: Path | None = None, **kwargs: Any
) -> tuple[Agent, Recorder]:
    provider = ScriptedProvider(script)
    recorder = Recorder()
    tools = ToolBox(tmp_path) if tmp_path is not None else None
    agent = Agent(provider, tools=tools, sinks=[recorder], **kwargs)
    return agent, recorder


def rebuilt(recorder: Recorder) -> list[dict[str, Any]]:
    """The transcript as a session store rebuilds it from MessageCommitted (same id replaces)."""
    by_id: dict[str, dict[str, Any]] = {}
    for message in recorder.committed():
        by_id[message["id"]] = message
    return list(by_id.values())


async def test_text_turn_emits_events_in_order_and_commits_each_message_once() -> None:
    agent, rec = make_agent([reply("Hello", " world")], system_prompt="be brief")

    stop = await agent.run_turn("hi")

    assert stop == "end_turn"
    assert rec.kinds() == [
        "turn_started",
        "message",  # the prompt, committed as soon as the provider appended it
        "text_delta",
        "text_delta",
        "usage",
        "message",
        "step_finished",
        "turn_finished",
    ]
    assert rec.of(TurnStarted)[0].prompt == "hi"
    assert "".join(e.text for e in rec.of(TextDelta)) == "Hello world"
    committed = rec.committed()
    assert [m["role"] for m in committed] == ["user", "assistant"]
    assert committed == agent.transcript.to_dict()["messages"]
    assert agent.provider.requests[0].system_prompt == "be brief"  # type: ignore[attr-defined]
    assert rec.of(TurnFinished)[0].stop_reason == "end_turn"


async def test_every_event_survives_a_json_round_trip(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    agent, rec = make_agent([calls(tool_use("t1", "read_file", {"path": "a.txt"})), reply("done")], tmp_path)
    await agent.run_turn("read a.txt")
    for event in rec.events:
        data = json.loads(json.dumps(event_to_dict(event)))
        assert event_from_dict(data) == event


async def test_read_file_result_goes_back_with_matching_id_and_sets_file_context(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("first line\nsecond line\n")
    agent, rec = make_agent(
        [calls(tool_use("call_1", "read_file", {"path": "notes.txt"})), reply("It has two lines.")],
        tmp_path,
    )

    stop = await agent.run_turn("what is in notes.txt?")

    assert stop == "end_turn"
    second = agent.provider.requests[1]  # type: ignore[attr-defined]
    assert second.message is None  # continued, no new user prompt
    last = second.messages[-1]
    assert last["role"] == "user"
    (result,) = last["blocks"]
    assert result["type"] == "tool_result" and result["tool_use_id"] == "call_1"
    assert "     1\tfirst line\n     2\tsecond line" in result["content"]
    assert result["is_error"] is False
    assert [e.kind for e in rec.events if e.kind.startswith("tool_call")] == [
        "tool_call_proposed",
        "tool_call_decided",
        "tool_call_running",
        "tool_call_finished",
    ]
    assert rec.of(ToolCallDecided)[0].decision == "auto"
    assert rec.of(ToolCallFinished)[0].status == "done"
    assert agent.provider.file_contexts == [str(tmp_path.resolve() / "notes.txt")]  # type: ignore[attr-defined]
    assert agent.transcript.file_context == str(tmp_path.resolve() / "notes.txt")
    # tool-result message committed once, after its results were in
    assert [m["role"] for m in rec.committed()] == ["user", "assistant", "user", "assistant"]
    assert rebuilt(rec) == agent.transcript.to_dict()["messages"]
    assert agent.provider.requests[0].tools == [  # type: ignore[attr-defined]
        "read_file",
        "list_files",
        "search_files",
        "write_file",
        "edit_file",
        "run_command",
    ]


async def test_two_parallel_calls_run_and_answer_together_in_call_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("AAA\n")
    (tmp_path / "b.txt").write_text("BBB\n")
    agent, rec = make_agent(
        [
            calls(
                tool_use("c_b", "read_file", {"path": "b.txt"}),
                tool_use("c_a", "read_file", {"path": "a.txt"}),
            ),
            reply("ok"),
        ],
        tmp_path,
    )

    await agent.run_turn("read both")

    results = agent.provider.requests[1].messages[-1]["blocks"]  # type: ignore[attr-defined]
    assert [r["tool_use_id"] for r in results] == ["c_b", "c_a"]
    assert "BBB" in results[0]["content"] and "AAA" in results[1]["content"]
    assert len(rec.of(ToolCallFinished)) == 2
    # the last file read (in the model's order) becomes the file context
    assert agent.transcript.file_context == str(tmp_path.resolve() / "a.txt")
    assert_valid_history(agent.transcript.messages)


async def test_multi_step_turn_until_the_model_stops(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    agent, rec = make_agent(
        [
            calls(tool_use("s1", "list_files", {})),
            calls(tool_use("s2", "read_file", {"path": "a.txt"})),
            reply("finished"),
        ],
        tmp_path,
    )
    assert await agent.run_turn("go") == "end_turn"
    assert [e.stop_reason for e in rec.of(StepFinished)] == ["tool_use", "tool_use", "end_turn"]
    assert len(agent.provider.requests) == 3  # type: ignore[attr-defined]
    assert "a.txt" in agent.provider.requests[1].messages[-1]["blocks"][0]["content"]  # type: ignore[attr-defined]


async def test_step_limit_is_reported_and_continue_picks_up(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    loop = [calls(tool_use(f"r{i}", "read_file", {"path": "a.txt"})) for i in range(3)]
    agent, rec = make_agent([*loop, reply("done at last")], tmp_path, max_steps=3)

    stop = await agent.run_turn("loop forever")

    assert stop == "max_steps"
    assert len(agent.provider.requests) == 3  # type: ignore[attr-defined]
    (notice,) = rec.of(Notice)
    assert notice.level == "warning" and "3" in notice.text
    assert rec.of(TurnFinished)[-1].stop_reason == "max_steps"
    # every call of the last step was answered: the history is valid, and None continues it
    assert_valid_history(agent.transcript.messages)
    assert await agent.run_turn(None) == "end_turn"
    assert agent.provider.requests[3].messages[-1]["blocks"][0]["tool_use_id"] == "r2"  # type: ignore[attr-defined]
    assert rec.of(TurnStarted)[-1].prompt == ""


async def test_usage_estimates_while_streaming_then_final_priced_usage() -> None:
    events = [text("word " * 50), text("more " * 50), usage(1200, 340, cache_read_tokens=100), done()]
    agent, rec = make_agent([events])
    agent.usage_interval = 0.0  # an estimate after every delta

    await agent.run_turn("count")

    reports = rec.of(UsageReported)
    estimates = [r for r in reports if r.estimated]
    finals = [r for r in reports if not r.estimated]
    assert len(estimates) == 2
    assert estimates[0].input_tokens > 0 and 0 < estimates[0].output_tokens < estimates[1].output_tokens
    (final,) = finals
    assert (final.input_tokens, final.output_tokens, final.cache_read_tokens) == (1200, 340, 100)
    assert reports[-1] is final  # the real figures come last and settle the estimate


async def test_final_usage_is_priced_with_price_usage() -> None:
    reported = {
        **usage(1000, 200, cache_read_tokens=300),
        "provider": "anthropic",
        "model": "claude-sonnet-4-5",
    }
    provider = ScriptedProvider([[text("hi"), reported, done()]], name="anthropic", model="claude-sonnet-4-5")
    provider.kind = "anthropic"
    rec = Recorder()
    await Agent(provider, sinks=[rec]).run_turn("hi")
    (final,) = [r for r in rec.of(UsageReported) if not r.estimated]
    expected = price_usage(
        "anthropic",
        "claude-sonnet-4-5",
        {"input_tokens": 1000, "output_tokens": 200, "cache_read_tokens": 300, "cache_write_tokens": 0},
        provider_name="anthropic",
    )
    assert expected is not None and expected > 0
    assert final.cost == pytest.approx(expected)
    assert (final.provider, final.model) == ("anthropic", "claude-sonnet-4-5")


async def test_unpriced_model_reports_cost_none() -> None:
    agent, rec = make_agent([reply("hi")])
    await agent.run_turn("hi")
    (final,) = [r for r in rec.of(UsageReported) if not r.estimated]
    assert final.cost is None


async def test_switch_provider_keeps_the_transcript_and_is_refused_mid_turn() -> None:
    first = ScriptedProvider([reply("one")])
    rec = Recorder()
    agent = Agent(first, sinks=[rec])
    await agent.run_turn("hello")

    second = ScriptedProvider([reply("two")], name="other", model="other-model")
    agent.switch_provider(second)
    assert agent.provider is second and second.transcript is first.transcript
    (switched,) = rec.of(ProviderSwitched)
    assert (switched.provider, switched.previous_provider, switched.reason) == ("other", "scripted", "user")

    await agent.run_turn("again")
    assert [m["role"] for m in second.requests[0].messages] == ["user", "assistant", "user"]

    agent._running = True  # as during a turn
    with pytest.raises(RuntimeError):
        agent.switch_provider(first)
    agent.switch_provider(first, reason="failover", during_turn=True)
    agent._running = False
    assert agent.provider is first


async def test_a_failing_sink_does_not_break_the_turn() -> None:
    def broken(event: object) -> None:
        raise ValueError("sink bug")

    agent, rec = make_agent([reply("fine")])
    agent.subscribe(broken)
    assert await agent.run_turn("hi") == "end_turn"
    assert rec.kinds()[-1] == "turn_finished"


async def test_stream_step_seam_wraps_every_model_request(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    seen: list[StepRequest] = []

    def wrapped(agent: Agent, request: StepRequest):  # type: ignore[no-untyped-def]
        seen.append(request)
        agent.emit(Notice(text=f"step {request.step}"))
        return default_stream_step(agent, request)

    agent, rec = make_agent(
        [calls(tool_use("t", "read_file", {"path": "a.txt"})), reply("ok")], tmp_path, stream_step=wrapped
    )
    await agent.run_turn("go")
    assert [(r.step, r.message) for r in seen] == [(1, "go"), (2, None)]
    assert [n.text for n in rec.of(Notice)] == ["step 1", "step 2"]
    assert seen[0].turn_id == rec.of(TurnStarted)[0].turn_id


async def test_orphaned_calls_from_an_old_session_are_closed_before_the_next_request() -> None:
    transcript = Transcript()
    transcript.add_user_text("old prompt")
    transcript.add_assistant(
        [ToolCall("old", "read_file", {"path": "x"})],
        provider="scripted",
        model="m",
        stop_reason="tool_use",
    )
    provider = ScriptedProvider([reply("fresh")], transcript)
    rec = Recorder()
    await Agent(provider, sinks=[rec]).run_turn("new prompt")

    sent = provider.requests[0].messages
    assert_valid_history(sent)
    assert sent[2]["blocks"][0]["status"] == "interrupted"
    assert [m["role"] for m in rec.committed()] == ["user", "user", "assistant"]


async def test_empty_conversation_cannot_be_continued() -> None:
    agent, _ = make_agent([])
    with pytest.raises(ValueError):
        await agent.run_turn(None)


async def test_tool_calls_without_a_toolbox_get_error_results() -> None:
    agent, rec = make_agent([calls(tool_use("t", "read_file", {"path": "a"})), reply("ok")])
    assert await agent.run_turn("go") == "end_turn"
    result = agent.transcript.messages[2].tool_results[0]
    assert result.is_error and "no tools" in result.content
    assert rec.of(ToolCallProposed)[0].name == "read_file"


async def test_notice_events_from_the_provider_are_passed_on() -> None:
    agent, rec = make_agent([[{"type": "notice", "content": "dropped a block"}, text("x"), done()]])
    await agent.run_turn("hi")
    assert [n.text for n in rec.of(Notice)] == ["dropped a block"]
    # the prompt is committed once its answer starts (a notice comes before the request is answered)
    assert rec.kinds()[1:4] == ["notice", "message", "text_delta"]
    assert isinstance(rec.events[2], MessageCommitted) and rec.events[2].message["role"] == "user"


@pytest.mark.parametrize("how", ["clear", "resume"])
async def test_a_new_history_forgets_what_the_model_saw_of_files(tmp_path: Path, how: str) -> None:
    """The stale-write guard stands for what the model saw; after /clear, or with a stored session
    resumed, the model saw none of it, so a file it wrote before and that was deleted since is
    written again, not refused as "deleted since you last read it"."""
    write = {"path": "notes.txt", "content": "one\n"}
    provider = ScriptedProvider(
        [
            calls(tool_use("call_1", "write_file", write)),
            reply("Written."),
            calls(tool_use("call_2", "write_file", {**write, "content": "two\n"})),
            reply("Written again."),
        ]
    )
    recorder = Recorder()
    agent = Agent(provider, tools=ToolBox(tmp_path, yolo=True), sinks=[recorder])
    await agent.run_turn("write notes.txt")
    (tmp_path / "notes.txt").unlink()  # by the user, outside the app
    if how == "clear":
        agent.clear_history()
    else:
        agent.replace_history(Transcript())

    await agent.run_turn("write notes.txt")

    second = recorder.of(ToolCallFinished)[-1]
    assert second.status == "done", second
    assert (tmp_path / "notes.txt").read_text() == "two\n"
