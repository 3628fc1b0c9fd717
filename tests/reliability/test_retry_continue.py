"""``/retry`` and ``/continue`` after a failed or cut-off answer, and Esc while a retry waits.

The prompt must reach the model exactly once whatever happens, and the stored session must rebuild to
the same history the agent holds.
"""

from __future__ import annotations

import asyncio

import pytest
from rel_support import KINDS, MakeRig, assert_session_matches, assert_valid_request, count_prompt

from flux_tui.core.agent_events import MessageCommitted, Notice, TurnCancelled
from flux_tui.core.failover import ReliableStep
from flux_tui.core.retry import Resume, RetryPolicy, continue_last, retry_last, retry_plan

pytestmark = pytest.mark.parametrize("kind", KINDS)


async def test_retry_drops_the_partial_and_asks_again(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_text("one two three four", error_after=2)
    assert await rig.turn("count to four") == "error"
    partial = rig.agent.transcript.messages[-1]
    assert partial.incomplete and partial.text == "one two"
    assert retry_plan(rig.agent.transcript) is Resume.DROP_PARTIAL

    rig.queue_text("one two three four")
    assert await asyncio.wait_for(retry_last(rig.agent), 30) == "end_turn"
    body = rig.bodies()[-1]
    assert_valid_request(kind, body)
    assert count_prompt(kind, body, "count to four") == 1
    assert body["messages"][-1]["role"] == "user"  # the partial answer was not sent back
    messages = rig.agent.transcript.messages
    assert [(m.role, m.text, m.incomplete) for m in messages] == [
        ("user", "count to four", False),
        ("assistant", "one two three four", False),
    ]
    # the session was told: the partial was announced again, emptied (same id)
    tombstone = [e for e in rig.events.of(MessageCommitted) if e.message["id"] == partial.id][-1]
    assert tombstone.message["blocks"] == []
    assert_session_matches(rig)


async def test_retry_after_a_failure_before_any_output_resends_once(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind, max_retries=0)
    rig.queue_error(401)
    assert await rig.turn("hello") == "error"
    assert rig.agent.transcript.messages == []  # out of the history until it gets an answer
    assert retry_plan(rig.agent.transcript, rig.agent.unanswered) is Resume.RESEND_PROMPT
    rig.queue_text("hi there")
    assert await retry_last(rig.agent) == "end_turn"
    assert count_prompt(kind, rig.bodies()[-1], "hello") == 1
    assert [m.role for m in rig.agent.transcript.messages] == ["user", "assistant"]
    assert_session_matches(rig)


async def test_continue_goes_on_from_the_partial(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_text("alpha beta gamma delta", cut_after=2)
    assert await rig.turn("greek letters") == "error"
    rig.queue_text(" gamma delta")
    assert await continue_last(rig.agent) == "end_turn"
    body = rig.bodies()[-1]
    assert_valid_request(kind, body)
    assert count_prompt(kind, body, "greek letters") == 1
    last = body["messages"][-1]
    assert last["role"] == "assistant"  # the partial answer is sent: the model goes on from it
    content = last["content"] if isinstance(last["content"], str) else last["content"][-1]["text"]
    assert content.rstrip() == "alpha beta"
    texts = [(m.role, m.text, m.incomplete) for m in rig.agent.transcript.messages]
    assert texts == [
        ("user", "greek letters", False),
        ("assistant", "alpha beta", True),
        ("assistant", " gamma delta", False),
    ]
    assert_session_matches(rig)
    # and the conversation goes on normally afterwards
    rig.queue_text("done")
    assert await rig.turn("thanks") == "end_turn"
    assert_valid_request(kind, rig.bodies()[-1])


async def test_nothing_to_retry_or_continue_after_a_complete_answer(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    with pytest.raises(ValueError, match="empty"):
        await continue_last(rig.agent)
    with pytest.raises(ValueError, match="nothing to retry"):
        await retry_last(rig.agent)
    rig.queue_text("complete")
    await rig.turn("hi")
    assert retry_plan(rig.agent.transcript) is Resume.NOTHING
    with pytest.raises(ValueError, match="nothing to retry"):
        await retry_last(rig.agent)
    with pytest.raises(ValueError, match="nothing to continue"):
        await continue_last(rig.agent)
    assert len(rig.bodies()) == 1


async def test_esc_during_the_backoff_stops_waiting(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    # a real sleep this time, long enough that only a cancel ends it
    rig.agent.stream_step = ReliableStep(
        policy=RetryPolicy(max_retries=3, rng=lambda: 1.0, base_delay=600, max_delay=600)
    )
    rig.queue_error(503)
    task = asyncio.ensure_future(rig.agent.run_turn("hello"))
    while not rig.events.of(Notice):
        await asyncio.sleep(0.01)
    assert "retrying in 600 s" in rig.events.notices()[0]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert rig.events.of(TurnCancelled)
    assert len(rig.bodies()) == 1
    assert rig.agent.transcript.messages == []  # no answer: the prompt left the history
    assert_session_matches(rig)
    rig.queue_text("back")
    assert await retry_last(rig.agent) == "end_turn"
    assert count_prompt(kind, rig.bodies()[-1], "hello") == 1


async def test_retry_refused_while_a_turn_runs(kind: str, make_rig: MakeRig) -> None:
    rig = make_rig(kind)
    rig.queue_text("slow answer here", delay=0.2)
    task = asyncio.ensure_future(rig.agent.run_turn("hi"))
    while not rig.agent.running:
        await asyncio.sleep(0.01)
    with pytest.raises(RuntimeError, match="running"):
        await retry_last(rig.agent)
    with pytest.raises(RuntimeError, match="running"):
        await continue_last(rig.agent)
    assert await asyncio.wait_for(task, 30) == "end_turn"
