"""The SQLite store: every event type survives a reopen, list columns, rename/delete, search, fork, modes."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from session_samples import T0, user

from flux_tui.core.agent_events import (
    EVENT_TYPES,
    AgentEvent,
    MessageCommitted,
    TextDelta,
    TurnFinished,
    TurnStarted,
)
from flux_tui.sessions import (
    SCHEMA_VERSION,
    SessionNotFoundError,
    SessionStore,
    SessionStoreError,
)


def test_every_event_type_is_written_and_read_back_after_reopening(
    db_path: Path, sample: list[AgentEvent]
) -> None:
    # The sample covers every type but a clear, which would empty its history (test_clear_event.py).
    assert {e.kind for e in sample} == set(EVENT_TYPES) - {"history_cleared"}
    with SessionStore(db_path) as store:
        session_id = store.create_session()
        store.append(session_id, sample[:10])
        store.append(session_id, sample[10:])
    with SessionStore(db_path) as reopened:
        assert reopened.events(session_id) == sample
        loaded = reopened.load(session_id)
    assert loaded.events == sample
    assert loaded.repaired is False
    assert [m.id for m in loaded.transcript] == ["u1", "a1", "u2", "a2", "u3", "a3"]
    thinking = loaded.transcript.messages[1].blocks[0]
    assert thinking.signature == "c2lnbmF0dXJl"  # type: ignore[union-attr]
    assert loaded.transcript.pending_tool_calls() == []
    assert (loaded.provider, loaded.model) == ("openai", "gpt-4o")


def test_consecutive_deltas_share_a_row_but_come_back_one_by_one(store: SessionStore, db_path: Path) -> None:
    deltas = [TextDelta(ts=T0 + i / 10, text=f"word{i} ") for i in range(30)]
    session_id = store.create_session()
    store.append(session_id, deltas)
    rows = sqlite3.connect(db_path).execute("SELECT kind, payload FROM events").fetchall()
    assert len(rows) == 1
    assert json.loads(rows[0][1])["text"] == "".join(d.text for d in deltas)
    assert store.events(session_id) == deltas


def test_shown_rather_than_replayed_a_run_of_deltas_is_one_event(store: SessionStore) -> None:
    """Resuming a session needs its text, not its tokens one by one (a 1,000-message session was
    54,000 events to apply before the app answered)."""
    deltas = [TextDelta(ts=T0 + i / 10, text=f"word{i} ") for i in range(30)]
    session_id = store.create_session()
    store.append(session_id, [*deltas, TurnFinished(ts=T0 + 5, stop_reason="end_turn")])
    joined = store.events(session_id, split_deltas=False)
    assert joined[0] == TextDelta(ts=T0, text="".join(d.text for d in deltas))
    assert isinstance(joined[1], TurnFinished) and len(joined) == 2
    assert store.load(session_id, split_deltas=False).events[0].text == joined[0].text


def test_list_shows_title_models_cost_and_turns(store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session(created_at=T0 - 5)
    store.append(session_id, sample)
    (info,) = store.list_sessions()
    assert info.id == session_id
    assert info.title == "Fix the typo in README.md"  # first line of the first prompt
    assert info.title_custom is False
    assert info.turns == 3
    assert info.provider_models == (("anthropic", "claude-sonnet-4-5"), ("openai", "gpt-4o"))
    assert info.providers == ["anthropic", "openai"]
    assert info.cost == pytest.approx(0.0032)  # final reports only; the estimate is not counted
    assert info.unpriced is True  # the gpt-4o reply had no price
    assert info.cost_label == "$0.0032+"
    assert info.created_at == T0 - 5
    assert info.updated_at == sample[-1].ts


def test_unpriced_only_session_has_no_cost(store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session()
    store.append(session_id, sample[26:])  # the openai turn only
    info = store.get(session_id)
    assert info.cost is None
    assert info.cost_label == "unpriced"


def test_empty_sessions_are_hidden_and_latest_follows_activity(store: SessionStore) -> None:
    empty = store.create_session()
    assert store.list_sessions() == []
    assert [i.id for i in store.list_sessions(include_empty=True)] == [empty]
    assert store.latest_session_id() is None
    older, newer = store.create_session(created_at=T0 - 10), store.create_session(created_at=T0 - 10)
    store.append(newer, [TurnStarted(ts=T0, turn_id="t", prompt="b", provider="p", model="m")])
    store.append(older, [TurnStarted(ts=T0 + 1, turn_id="t", prompt="a", provider="p", model="m")])
    assert store.latest_session_id() == older
    assert [i.id for i in store.list_sessions()] == [older, newer]


def test_rename_delete_and_unknown_ids(store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session()
    store.append(session_id, sample)
    store.rename(session_id, "  Typo   hunt ")
    info = store.get(session_id)
    assert (info.title, info.title_custom) == ("Typo hunt", True)
    with pytest.raises(ValueError):
        store.rename(session_id, "   ")
    assert store.resolve_id(session_id[:5]) == session_id
    store.delete(session_id)
    assert store.list_sessions(include_empty=True) == []
    assert store.search("photosynthesis") == []
    _check_search_index(store.path)
    for call in (store.load, store.get, store.delete, store.events, store.resolve_id):
        with pytest.raises(SessionNotFoundError, match="no session"):
            call(session_id)
    with pytest.raises(SessionNotFoundError):
        store.append(session_id, sample[:1])


def _check_search_index(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")  # raises if off
        assert (
            conn.execute("SELECT count(*) FROM messages").fetchone()[0]
            == conn.execute("SELECT count(*) FROM messages_fts").fetchone()[0]
        )
    finally:
        conn.close()


def test_search_finds_words_of_answers_and_prompts(store: SessionStore, sample: list[AgentEvent]) -> None:
    first, second = store.create_session(), store.create_session()
    store.append(first, sample)
    store.append(second, [TurnStarted(ts=T0, turn_id="x", prompt="unrelated", provider="p", model="m")])
    hits = store.search("chlorophyll")  # only in an answer
    assert [(h.session_id, h.message_id, h.role) for h in hits] == [(first, "a3", "assistant")]
    assert "«chlorophyll»" in hits[0].snippet
    assert hits[0].title == "Fix the typo in README.md"
    assert {h.message_id for h in store.search("photosynth")} == {"u3"}  # last word is a prefix
    assert {h.message_id for h in store.search("fixes")} == {"u1", "a2"}  # stemmed
    assert store.search("chlorophyll banana") == []  # every word must match
    assert store.search('"); DROP TABLE events; --') == []  # no FTS syntax leaks through
    assert store.search("") == []


def test_a_recommitted_message_replaces_its_search_entry(store: SessionStore) -> None:
    session_id = store.create_session()
    store.append(session_id, [MessageCommitted(ts=T0, message=user("m1", "first wording", T0))])
    store.append(session_id, [MessageCommitted(ts=T0 + 1, message=user("m1", "second wording", T0))])
    assert store.search("first") == []
    assert [h.message_id for h in store.search("second")] == ["m1"]
    _check_search_index(store.path)
    assert [m.text for m in store.load(session_id).transcript] == ["second wording"]


def test_files_are_private(tmp_path: Path, sample: list[AgentEvent]) -> None:
    path = tmp_path / "fresh" / "sessions.db"
    store = SessionStore(path)
    store.append(store.create_session(), sample)
    wal = path.with_name("sessions.db-wal")
    assert wal.exists()  # still open: the WAL holds the recent writes
    for file in (path, wal, path.with_name("sessions.db-shm")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    SessionStore(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_default_location_honours_flux_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "custom"))
    with SessionStore() as store:
        assert store.path == tmp_path / "custom" / "sessions.db"
    assert store.path.is_file()


def test_metadata_carries_the_file_context(store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session()
    store.append(session_id, sample)
    store.update_meta(session_id, file_context="src/app.py", extra=1)
    assert store.update_meta(session_id, extra=None) == {"file_context": "src/app.py"}
    assert store.load(session_id).transcript.file_context == "src/app.py"


# -- fork ------------------------------------------------------------------------------------------


def test_fork_keeps_history_up_to_a_turn(store: SessionStore, sample: list[AgentEvent]) -> None:
    source = store.create_session()
    store.append(source, sample)

    with_first = store.fork(source, turn=0)  # "continue from here" after turn 1's answer
    loaded = store.load(with_first)
    assert [m.id for m in loaded.transcript] == ["u1", "a1", "u2", "a2"]
    assert loaded.events == sample[:26]  # the switch to openai after turn 1 comes along
    assert loaded.meta.title == "Fix the typo in README.md (fork)"
    assert loaded.meta.meta["forked_from"]["session_id"] == source
    assert loaded.meta.turns == 1

    before_second = store.fork(source, message_id="u3", include=False, title="Other question")
    assert store.load(before_second).events == sample[:26]
    assert store.get(before_second).title == "Other question"

    with_second = store.fork(source, message_id="u3")
    assert [m.id for m in store.load(with_second).transcript][-2:] == ["u3", "a3"]

    assert store.load(source).events == sample  # the original is untouched
    with pytest.raises(ValueError, match="out of range"):
        store.fork(source, turn=3)
    with pytest.raises(ValueError, match="no prompt"):
        store.fork(source, message_id="a1")


def test_fork_of_the_last_turn_copies_everything(store: SessionStore, sample: list[AgentEvent]) -> None:
    source = store.create_session()
    store.append(source, sample)
    assert store.load(store.fork(source, turn=-1)).events == sample


# -- schema ----------------------------------------------------------------------------------------


def _v1_database(path: Path, events: list[AgentEvent]) -> None:
    """A database as the first release wrote it, built by hand."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT, created_at REAL NOT NULL,
                               updated_at REAL NOT NULL);
        CREATE TABLE events (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                             seq INTEGER NOT NULL, ts REAL NOT NULL, kind TEXT NOT NULL,
                             payload TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """
    )
    conn.execute("INSERT INTO sessions VALUES ('old1', NULL, ?, ?)", (T0 - 100, T0 - 100))
    for seq, event in enumerate(events, 1):
        data = {k: v for k, v in dataclasses.asdict(event).items() if k != "ts"}
        conn.execute(
            "INSERT INTO events VALUES ('old1', ?, ?, ?, ?)", (seq, event.ts, event.kind, json.dumps(data))
        )
    conn.commit()
    conn.close()


def test_a_version_1_database_is_migrated(db_path: Path, sample: list[AgentEvent]) -> None:
    db_path.parent.mkdir(parents=True)
    _v1_database(db_path, sample)
    with SessionStore(db_path) as store:
        assert store.schema_version == SCHEMA_VERSION > 1
        (info,) = store.list_sessions()
        assert (info.id, info.title, info.turns) == ("old1", "Fix the typo in README.md", 3)
        assert info.cost == pytest.approx(0.0032)
        assert info.updated_at == sample[-1].ts
        assert [h.message_id for h in store.search("chlorophyll")] == ["a3"]
        assert store.load("old1").events == sample
        new_id = store.create_session()  # and it keeps working
        store.append(new_id, sample[:2])
    with SessionStore(db_path) as again:  # migrating twice is a no-op
        assert {i.id for i in again.list_sessions()} == {"old1", new_id}


def test_a_database_from_a_newer_release_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(SessionStoreError, match="newer flux-tui"):
        SessionStore(db_path)
