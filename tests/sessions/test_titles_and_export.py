"""Sessions made from others are told apart (forks "(fork)", imports "(imported)", also in a cut
title), and a conversation that never reached a model leaves no stored session."""

from __future__ import annotations

import io
from pathlib import Path

from session_samples import T0, user

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    Notice,
    ProviderSwitched,
    TextDelta,
    TurnFailed,
    TurnStarted,
)
from flux_tui.sessions import SessionRecorder, SessionStore, export_jsonl, import_jsonl
from flux_tui.sessions.commands import cmd_sessions_list
from flux_tui.sessions.titles import cut_title, marked

LONG_PROMPT = "Refactor the configuration loader so that every setting is validated before use"


def _turn(prompt: str, ts: float = T0) -> list[AgentEvent]:
    return [
        TurnStarted(ts=ts, turn_id="t1", prompt=prompt, provider="anthropic", model="claude-sonnet-4-6"),
        MessageCommitted(ts=ts, message=user("u1", prompt, ts)),
        TextDelta(ts=ts + 1, text="Done."),
    ]


def _no_key_turn(ts: float = T0) -> list[AgentEvent]:
    return [
        TurnStarted(ts=ts, turn_id="t0", prompt="hello", provider="anthropic", model="claude-sonnet-4-6"),
        MessageCommitted(ts=ts, message=user("u0", "hello", ts)),
        TurnFailed(ts=ts, error="ANTHROPIC_API_KEY is required", error_type="ConfigError", hint="Fix it"),
    ]


def test_an_import_is_marked_and_says_where_it_came_from(
    store: SessionStore, sample: list[AgentEvent]
) -> None:
    source = store.create_session()
    store.append(source, sample)
    imported = import_jsonl(store, export_jsonl(store.load(source)))
    info = store.get(imported)
    assert store.get(source).title == "Fix the typo in README.md"
    assert info.title == "Fix the typo in README.md (imported)"
    assert info.meta["imported_from"] == source
    assert store.load(imported).events == sample
    # Imported again from its own export: marked once, not twice.
    again = import_jsonl(store, export_jsonl(store.load(imported)))
    assert store.get(again).title == "Fix the typo in README.md (imported)"


def test_an_import_without_a_title_is_marked_too(store: SessionStore, sample: list[AgentEvent]) -> None:
    source = store.create_session()
    store.append(source, sample)
    text = export_jsonl(store.load(source)).replace('"title":"Fix the typo in README.md"', '"title":null', 1)
    assert '"title":null' in text
    assert store.get(import_jsonl(store, text)).title == "Fix the typo in README.md (imported)"


def test_a_fork_of_a_fork_is_marked_once(store: SessionStore, sample: list[AgentEvent]) -> None:
    source = store.create_session()
    store.append(source, sample)
    fork = store.fork(source, turn=0)
    assert store.get(fork).title == "Fix the typo in README.md (fork)"
    assert store.get(store.fork(fork, turn=0)).title == "Fix the typo in README.md (fork)"


def test_sessions_list_keeps_the_mark_of_a_long_title(store: SessionStore) -> None:
    source = store.create_session()
    store.append(source, _turn(LONG_PROMPT))
    fork = store.fork(source, turn=0)
    imported = import_jsonl(store, export_jsonl(store.load(source)))
    out = io.StringIO()
    cmd_sessions_list(store, out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert "(fork)" in lines[fork] and "(imported)" in lines[imported]
    assert "(fork)" not in lines[source] and "(imported)" not in lines[source]


def test_cut_title_keeps_a_trailing_mark() -> None:
    title = marked(LONG_PROMPT, "(fork)")
    cut = cut_title(title, 40)
    assert len(cut) == 40 and cut.endswith("… (fork)") and cut.startswith("Refactor the")
    assert cut_title("short (imported)", 40) == "short (imported)"
    assert cut_title(LONG_PROMPT, 20) == LONG_PROMPT[:19] + "…"
    assert cut_title("x" * 30 + " (imported)", 8) == "x" * 7 + "…"  # no room for the mark


def test_a_prompt_refused_for_want_of_a_key_stores_no_session(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    for event in _no_key_turn():
        recorder(event)
    recorder(ProviderSwitched(ts=T0 + 1, provider="openai", model="gpt-4o"))
    recorder.flush()
    recorder.close()
    assert recorder.session_id is None
    assert store.list_sessions(include_empty=True) == []


def test_what_waited_is_written_first_once_the_model_answers(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    waited = [*_no_key_turn(), ProviderSwitched(ts=T0 + 1, provider="openai", model="gpt-4o")]
    answered = _turn("second try", ts=T0 + 2)
    for event in [*waited, *answered]:
        recorder(event)
    recorder.close()
    assert recorder.session_id is not None
    assert store.events(recorder.session_id) == [*waited, *answered]
    assert store.get(recorder.session_id).title == "hello"


def test_a_notice_alone_still_makes_a_session(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    recorder(Notice(ts=T0, text="retrying in 2 s"))
    assert recorder.session_id is not None
    recorder.close()


def test_exports_default_to_the_data_dir_not_the_workspace(tmp_path: Path) -> None:
    from flux_tui.services.sessions import SessionService
    from flux_tui.sessions.models import SessionInfo

    with SessionStore(tmp_path / "data" / "sessions.db") as store:
        service = SessionService(store)
        info = SessionInfo(id="abc123", title="Fix it (fork)", created_at=T0, updated_at=T0, turns=1)
        path = service.default_export_path(info, "md")
        assert path == tmp_path / "data" / "exports" / "flux-fix-it-fork-abc123.md"
        service.close()


def test_a_prompt_still_waiting_for_its_answer_is_written_after_an_interval(store: SessionStore) -> None:
    """A crash while a slow model thinks loses no more than an interval of a new conversation."""
    import time

    recorder = SessionRecorder(store, flush_interval=0.05)
    recorder(_turn("slow model")[0])
    deadline = time.monotonic() + 5
    while recorder.session_id is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert recorder.session_id is not None
    assert [e.kind for e in store.events(recorder.session_id)] == ["turn_started"]
    recorder.close()


def test_flush_writes_a_prompt_whose_turn_is_open(store: SessionStore) -> None:
    recorder = SessionRecorder(store, autoflush=False)
    recorder(_turn("quit before the answer")[0])
    recorder.close()
    assert [i.title for i in store.list_sessions()] == ["quit before the answer"]
