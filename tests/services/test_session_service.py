"""``SessionService``: recording the current conversation, resume (and a session another process
records), fork, delete, rename, export and import, with errors raised for the caller to show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flux_tui.core.agent_events import Notice, UsageReported
from flux_tui.services.recording import RecorderSlot, new_recorder
from flux_tui.services.sessions import COPIED, NO_STORE, RECORDING_HERE, SessionService
from flux_tui.sessions import SessionError, SessionRecorder, SessionStore, load_demo
from flux_tui.sessions.lease import SessionBusyError

SECRET = "sk-ant-test-0123456789abcdef"


def note(text: str) -> Notice:
    return Notice(level="info", text=text)


def notes(store: SessionStore, session_id: str) -> list[str]:
    return [e.text for e in store.events(session_id) if isinstance(e, Notice)]


def stored_session(store: SessionStore, *texts: str) -> str:
    recorder = SessionRecorder(store, autoflush=False)
    for text in texts:
        recorder(note(text))
    recorder.close()
    assert recorder.session_id is not None
    return recorder.session_id


@pytest.fixture
def service(store: SessionStore) -> Iterator[SessionService]:
    made = SessionService(store, secrets=[SECRET, None])
    yield made
    if made.sink is not None:
        made.sink.close()


async def test_without_a_store_every_action_says_why(tmp_path: Path) -> None:
    service = SessionService(None, problem="the disk is full")
    assert service.unavailable == "Sessions are not available in this run: the disk is full"
    assert SessionService(None).unavailable == NO_STORE
    assert service.sink is None and service.sinks() == [] and service.current_session_id is None
    assert service.list_ids() == [] and service.spent_elsewhere_today() == 0.0
    assert await service.live_events() == []
    for action in (service.load("x"), service.fork("x", "m"), service.rename("x", "t")):
        with pytest.raises(SessionError, match="the disk is full"):
            await action
    with pytest.raises(SessionError, match="the disk is full"):
        service.resolve_id("x")
    assert service.exports_dir == Path.home()


async def test_the_sink_records_the_conversation_without_its_secrets(
    service: SessionService, store: SessionStore
) -> None:
    (sink,) = service.sinks()
    sink(note(f"the key is {SECRET}"))
    session_id = service.current_session_id
    assert session_id is not None
    events = await service.live_events()
    assert len(events) == 1 and SECRET not in str(events)
    assert service.list_ids() == [(session_id, store.get(session_id).title or "")]


async def test_record_into_a_loaded_session_appends_to_it(
    service: SessionService, store: SessionStore
) -> None:
    older = stored_session(store, "before")
    loaded = await service.load(service.resolve_id(older[:8]), split_deltas=False)
    assert service.record_into(loaded) is None
    assert service.current_session_id == older
    service.sink(note("after"))  # type: ignore[misc]
    assert [e.text for e in await service.live_events() if isinstance(e, Notice)] == ["before", "after"]
    assert service.can_delete(older) == RECORDING_HERE
    with pytest.raises(SessionError, match="being recorded"):
        await service.delete(older)


async def test_a_session_another_recorder_holds_goes_on_in_a_copy(
    service: SessionService, store: SessionStore
) -> None:
    told: list[str] = []
    service.on_notice = told.append
    held = stored_session(store, "theirs")
    holder = SessionRecorder(store, held, autoflush=False)  # "another process" recording it
    try:
        loaded = await service.load(held)
        busy = service.record_into(loaded)
        assert isinstance(busy, SessionBusyError)
        assert service.current_session_id is None  # nothing written to it, nor copied yet
        service.sink(note("mine"))  # type: ignore[misc]
        copy = service.current_session_id
        assert copy not in (None, held)
        assert told == [COPIED.format(new_id=copy, id=held)]
        service.sink.flush()  # type: ignore[union-attr]
        assert notes(store, str(copy)) == ["theirs", "mine"]
        assert notes(store, held) == ["theirs"]
    finally:
        holder.close()


async def test_fork_copy_records_into_the_copy(service: SessionService, store: SessionStore) -> None:
    held = stored_session(store, "theirs")
    loaded = await service.load(held)
    new_id = await service.fork_copy(loaded)
    assert new_id != held and service.current_session_id == new_id


async def test_fork_failures_are_said(service: SessionService, store: SessionStore) -> None:
    session_id = stored_session(store, "one")
    with pytest.raises(SessionError, match=r"^Could not fork: "):
        await service.fork(session_id, "no-such-message")


async def test_delete_rename_and_export(service: SessionService, store: SessionStore) -> None:
    session_id = stored_session(store, "keep me", f"and {SECRET}")
    await service.rename(session_id, "My notes / 2")
    info = store.get(session_id)
    assert info.title == "My notes / 2"
    default = service.default_export_path(info, "md")
    assert default.parent == service.exports_dir == store.path.parent / "exports"
    assert default.name.startswith("flux-my-notes-2-") and default.suffix == ".md"
    written = await service.export(session_id, "md", "out/notes.md")
    assert written == (service.exports_dir / "out" / "notes.md").resolve()
    text = written.read_text(encoding="utf-8")
    assert "keep me" in text and SECRET not in text
    jsonl = await service.export(session_id, "jsonl", written.with_suffix(".jsonl"))
    assert jsonl.read_text(encoding="utf-8").startswith("{")
    assert service.can_delete(session_id) is None
    await service.delete(session_id)
    assert service.list_ids() == []


async def test_import_loaded_stores_the_demo_as_a_session(service: SessionService) -> None:
    demo = load_demo()
    new_id = await service.import_loaded(demo)
    imported = await service.load(new_id)
    assert len(imported.transcript.messages) == len(demo.transcript.messages)


def test_spent_elsewhere_today_leaves_out_the_current_session(
    service: SessionService, store: SessionStore
) -> None:
    other = SessionRecorder(store, autoflush=False)
    other(UsageReported(provider="openai", model="gpt-4o", input_tokens=10, output_tokens=5, cost=0.25))
    other.close()
    assert service.spent_elsewhere_today() == pytest.approx(0.25)


def test_a_failed_write_goes_to_on_error(store: SessionStore) -> None:
    errors: list[Exception] = []
    service = SessionService(store, on_error=errors.append)
    service.sink(note("one"))  # type: ignore[misc]
    session_id = str(service.current_session_id)
    store.delete(session_id)  # gone under the recorder
    service.sink(note("two"))  # type: ignore[misc]
    service.sink.flush()  # type: ignore[union-attr]
    service.close()
    assert errors


def test_recorders_are_made_one_way(store: SessionStore) -> None:
    recorder = new_recorder(store, secrets=[None, SECRET])
    recorder(note(SECRET))
    recorder.close()
    assert SECRET not in str(store.events(str(recorder.session_id)))
    slot = RecorderSlot(store)
    slot.switch(str(recorder.session_id))
    assert slot.session_id == recorder.session_id
    slot.close()
