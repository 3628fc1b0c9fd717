"""A clear (``/clear``, ctrl+l) is an event of the session: the rebuilt history starts after the last
one, a fork before it does not take it along, an export and a replay show it, ``/retry`` forgets what
it cleared, and ``flux-tui run --continue`` sends only what followed it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from session_samples import T0, crashed_turn, user

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import (
    CLEARED_NOTICE,
    AgentEvent,
    HistoryCleared,
    MessageCommitted,
    PromptUnanswered,
    TextDelta,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    event_from_dict,
    event_to_dict,
    last_unanswered,
)
from flux_tui.core.config import Config
from flux_tui.core.transcript import Message, TextBlock
from flux_tui.headless import EXIT_OK, run_headless
from flux_tui.llm.base_provider import ProviderSettings
from flux_tui.llm.provider_factory import create_provider
from flux_tui.sessions import SessionRecorder, SessionStore, export_markdown
from flux_tui.sessions.rebuild import INTERRUPTED_ERROR_TYPE, rebuild

MODEL = "claude-sonnet-4-6"
KEY = "sk-ant-clear-test-key"


def turn(number: int, prompt: str, answer: str, t: float) -> list[AgentEvent]:
    reply = Message(
        role="assistant",
        blocks=[TextBlock(answer)],
        provider="anthropic",
        model=MODEL,
        id=f"a{number}",
        created_at=t + 1,
        stop_reason="end_turn",
    )
    return [
        TurnStarted(ts=t, turn_id=f"t{number}", prompt=prompt, provider="anthropic", model=MODEL),
        MessageCommitted(ts=t, message=user(f"u{number}", prompt, t)),
        TextDelta(ts=t + 0.5, text=answer),
        MessageCommitted(ts=t + 1, message=reply.to_dict()),
        TurnFinished(ts=t + 1, stop_reason="end_turn"),
    ]


def cleared_session() -> list[AgentEvent]:
    return [
        *turn(1, "secret context A", "answer A", T0),
        HistoryCleared(ts=T0 + 5),
        *turn(2, "fresh B", "answer B", T0 + 10),
    ]


def texts(messages: list[Message]) -> list[str]:
    return [m.text for m in messages]


def test_the_event_round_trips() -> None:
    event = HistoryCleared(ts=T0)
    assert event_from_dict(event_to_dict(event)) == event


def test_the_rebuilt_history_starts_after_the_last_clear(store: SessionStore) -> None:
    events = [*cleared_session(), HistoryCleared(ts=T0 + 20), *turn(3, "newest C", "answer C", T0 + 30)]
    session_id = store.create_session()
    store.append(session_id, events)
    loaded = store.load(session_id)
    assert texts(loaded.transcript.messages) == ["newest C", "answer C"]
    assert loaded.repaired is False
    assert [e for e in loaded.events if isinstance(e, HistoryCleared)] == [events[5], events[11]]


def test_a_turn_the_app_stopped_in_is_closed_before_the_clear() -> None:
    rebuilt = rebuild([*crashed_turn(), HistoryCleared(ts=T0 + 5), *turn(2, "fresh B", "answer B", T0 + 10)])
    assert texts(rebuilt.transcript.messages) == ["fresh B", "answer B"]
    kinds = [e.kind for e in rebuilt.events]
    failed = next(i for i, e in enumerate(rebuilt.events) if isinstance(e, TurnFailed))
    assert rebuilt.events[failed].error_type == INTERRUPTED_ERROR_TYPE  # type: ignore[attr-defined]
    assert failed < kinds.index("history_cleared")


def test_retry_after_a_clear_has_nothing_to_send() -> None:
    events = [
        TurnStarted(ts=T0, turn_id="t1", prompt="lost", provider="anthropic", model=MODEL),
        PromptUnanswered(ts=T0 + 1, prompt="lost", reason="cancelled"),
        HistoryCleared(ts=T0 + 2),
    ]
    assert last_unanswered(events[:2]) == "lost"
    assert last_unanswered(events) is None


def test_a_fork_at_a_turn_before_the_clear_keeps_that_turn(store: SessionStore) -> None:
    session_id = store.create_session()
    store.append(session_id, cleared_session())
    before = store.load(store.fork(session_id, turn=0))
    assert texts(before.transcript.messages) == ["secret context A", "answer A"]
    assert not any(isinstance(e, HistoryCleared) for e in before.events)
    after = store.load(store.fork(session_id, turn=1))
    assert texts(after.transcript.messages) == ["fresh B", "answer B"]
    ask_again = store.load(store.fork(session_id, turn=1, include=False))
    assert ask_again.transcript.messages == []  # the history was empty when B was asked


def test_the_markdown_export_shows_the_clear(store: SessionStore) -> None:
    session_id = store.create_session()
    store.append(session_id, cleared_session())
    document = export_markdown(store.load(session_id))
    assert CLEARED_NOTICE in document
    assert document.index("answer A") < document.index(CLEARED_NOTICE) < document.index("fresh B")


def test_a_clear_alone_makes_no_session(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    recorder(HistoryCleared())
    recorder.close()
    assert recorder.session_id is None and store.list_sessions(include_empty=True) == []


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


def sent_texts(api: FakeAPI) -> list[str]:
    texts = []
    for message in api.last_request("/v1/messages").body["messages"]:
        content = message["content"]
        texts.append(content if isinstance(content, str) else "".join(b.get("text", "") for b in content))
    return texts


async def test_run_continue_after_a_clear_sends_only_what_followed_it(
    fake_api: FakeAPI, store: SessionStore, workspace: Path
) -> None:
    settings = ProviderSettings(
        name="anthropic", kind="anthropic", model=MODEL, api_key=KEY, base_url=fake_api.anthropic_base_url
    )
    provider = create_provider(settings)
    recorder = SessionRecorder(store, autoflush=False)
    agent = Agent(provider, sinks=[recorder])
    try:
        fake_api.queue_anthropic_text("answer A")
        await agent.run_turn("secret context A")
        agent.clear_history()
        fake_api.queue_anthropic_text("answer B")
        await agent.run_turn("fresh B")
        assert sent_texts(fake_api) == ["fresh B"]
    finally:
        recorder.close()
        await provider.aclose()
    assert recorder.session_id is not None
    loaded = store.load(recorder.session_id, split_deltas=False)

    config = Config(
        provider="anthropic",
        model=MODEL,
        workspace=workspace,
        anthropic_api_key=KEY,
        anthropic_base_url=fake_api.anthropic_base_url,
    )
    fake_api.queue_anthropic_text("answer C")
    out, err = io.StringIO(), io.StringIO()
    assert await run_headless(config, "C", out=out, err=err, resumed=loaded) == EXIT_OK, err.getvalue()
    assert sent_texts(fake_api) == ["fresh B", "answer B", "C"]

