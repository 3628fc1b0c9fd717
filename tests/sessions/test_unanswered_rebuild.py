"""Rebuilding a stored session leaves a prompt that got no answer out of the history and marks it for the
chat: sessions recorded before prompts were held back (the failed prompt was committed), and turns the
app stopped in before any answer arrived."""

from __future__ import annotations

from session_samples import T0, assistant, user

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    PromptUnanswered,
    TextDelta,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    last_unanswered,
)
from flux_tui.core.transcript import TextBlock
from flux_tui.sessions import INTERRUPTED_ERROR_TYPE, SessionStore
from flux_tui.sessions.rebuild import rebuild
from flux_tui.sessions.unanswered import STOPPED_REASON

AUTH = "invalid key for anthropic (ANTHROPIC_API_KEY)"


def started(turn: str, prompt: str, ts: float) -> TurnStarted:
    return TurnStarted(ts=ts, turn_id=turn, prompt=prompt, provider="anthropic", model="m")


def answered(turn: str, prompt: str, answer: str, ts: float) -> list[AgentEvent]:
    events: list[AgentEvent] = [started(turn, prompt, ts)]
    if prompt:
        events.append(MessageCommitted(ts=ts, message=user(f"{turn}-u", prompt, ts)))
    events += [
        TextDelta(ts=ts + 1, text=answer),
        MessageCommitted(
            ts=ts + 2, message=assistant(f"{turn}-a", [TextBlock(answer)], ts + 1, "anthropic", "m")
        ),
        TurnFinished(ts=ts + 2, stop_reason="end_turn"),
    ]
    return events


def legacy_failed(turn: str, prompt: str, ts: float, *, cancelled: bool = False) -> list[AgentEvent]:
    """As flux-tui recorded a turn that failed before any answer: the prompt committed, then the end."""
    end: AgentEvent = (
        TurnCancelled(ts=ts + 1)
        if cancelled
        else TurnFailed(ts=ts + 1, error=AUTH, error_type="AuthenticationError", hint="Check the key.")
    )
    return [started(turn, prompt, ts), MessageCommitted(ts=ts, message=user(f"{turn}-u", prompt, ts)), end]


def texts(events: list[AgentEvent]) -> list[str]:
    return [m.text for m in rebuild(events).transcript.messages]


def marks(events: list[AgentEvent]) -> list[tuple[str, str]]:
    return [(e.prompt, e.reason) for e in rebuild(events).events if isinstance(e, PromptUnanswered)]


def test_a_legacy_failed_prompt_leaves_the_history_when_a_new_prompt_follows() -> None:
    events = [
        *answered("t1", "hi", "hello", T0),
        *legacy_failed("t2", "FAIL401 now", T0 + 10),
        *answered("t3", "after auth error", "fine", T0 + 20),
    ]
    assert texts(events) == ["hi", "hello", "after auth error", "fine"]
    out = rebuild(events).events
    kinds = [e.kind for e in out]
    at = kinds.index("prompt_unanswered")
    assert kinds[at + 1] == "turn_failed"  # the mark comes before the turn's end, as live
    assert marks(events) == [("FAIL401 now", AUTH)]
    assert rebuild(events).repaired is False


def test_a_legacy_cancelled_prompt_at_the_end_is_left_out_and_retryable() -> None:
    events = [*answered("t1", "hi", "hello", T0), *legacy_failed("t2", "stop it", T0 + 10, cancelled=True)]
    assert texts(events) == ["hi", "hello"]
    assert marks(events) == [("stop it", "cancelled")]
    assert last_unanswered(rebuild(events).events) == "stop it"


def test_a_legacy_retry_that_answered_keeps_the_prompt() -> None:
    events = [
        *answered("t1", "hi", "hello", T0),
        *legacy_failed("t2", "FAIL401 now", T0 + 10),
        *answered("t3", "", "answered on retry", T0 + 20),  # /retry: a turn without a prompt of its own
    ]
    assert texts(events) == ["hi", "hello", "FAIL401 now", "answered on retry"]
    assert marks(events) == []


def test_a_stored_mark_is_not_doubled() -> None:
    events: list[AgentEvent] = [
        *answered("t1", "hi", "hello", T0),
        started("t2", "FAIL401 now", T0 + 10),
        PromptUnanswered(ts=T0 + 11, prompt="FAIL401 now", reason=AUTH),
        TurnFailed(ts=T0 + 11, error=AUTH, error_type="AuthenticationError"),
    ]
    assert rebuild(events).events == events
    assert texts(events) == ["hi", "hello"]


def test_stopped_before_any_answer_marks_the_prompt() -> None:
    events: list[AgentEvent] = [*answered("t1", "hi", "hello", T0), started("t2", "still waiting", T0 + 10)]
    rebuilt = rebuild(events)
    assert [m.text for m in rebuilt.transcript.messages] == ["hi", "hello"]
    assert marks(events) == [("still waiting", STOPPED_REASON)]
    tail = rebuilt.events[len(events) :]
    assert [e.kind for e in tail] == ["prompt_unanswered", "notice", "turn_failed"]
    assert isinstance(tail[-1], TurnFailed) and tail[-1].error_type == INTERRUPTED_ERROR_TYPE
    assert last_unanswered(rebuilt.events) == "still waiting"


def test_a_legacy_prompt_stopped_before_any_answer_is_left_out() -> None:
    events: list[AgentEvent] = [
        *answered("t1", "hi", "hello", T0),
        started("t2", "still waiting", T0 + 10),
        MessageCommitted(ts=T0 + 10, message=user("t2-u", "still waiting", T0 + 10)),
    ]
    assert texts(events) == ["hi", "hello"]
    assert marks(events) == [("still waiting", STOPPED_REASON)]


def test_the_store_loads_a_legacy_session_without_the_failed_prompt(store: SessionStore) -> None:
    events = [*answered("t1", "hi", "hello", T0), *legacy_failed("t2", "FAIL401 now", T0 + 10)]
    session_id = store.create_session()
    store.append(session_id, events)
    loaded = store.load(session_id)
    assert [m.text for m in loaded.transcript.messages] == ["hi", "hello"]
    assert [e.prompt for e in loaded.events if isinstance(e, PromptUnanswered)] == ["FAIL401 now"]
