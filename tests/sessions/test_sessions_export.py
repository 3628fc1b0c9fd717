"""JSONL export/import round trips, Markdown export, the demo loader."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from session_samples import DIFF, T0, crashed_turn

from flux_tui.core.agent_events import AgentEvent
from flux_tui.sessions import (
    LoadedSession,
    SessionFormatError,
    SessionStore,
    demo,
    demo_session_path,
    export_jsonl,
    export_markdown,
    import_jsonl,
    load_demo,
    load_jsonl,
)


def _stored(store: SessionStore, events: list[AgentEvent], **kw: object) -> LoadedSession:
    session_id = store.create_session(created_at=T0 - 60, **kw)  # type: ignore[arg-type]
    store.append(session_id, events)
    store.update_meta(session_id, file_context="README.md")
    return store.load(session_id)


def test_jsonl_round_trip_is_identical(tmp_path: Path, store: SessionStore, sample: list[AgentEvent]) -> None:
    original = _stored(store, sample)
    text = export_jsonl(original)
    with SessionStore(tmp_path / "other.db") as other:
        imported_id = import_jsonl(other, text)
        assert imported_id == original.id  # ids are kept when free
        again = other.load(imported_id)
    assert export_jsonl(again).splitlines()[1:] == text.splitlines()[1:]  # the events
    assert again.events == sample
    # The copy is marked as one (test_titles_and_export); everything else is the original's.
    assert again.meta.title == f"{original.meta.title} (imported)"
    copied = again.meta.meta["copied_at"]  # when: its usage was spent by the original (daily budget)
    assert again.meta.meta == {**original.meta.meta, "imported_from": original.id, "copied_at": copied}
    assert replace(again.meta, title=original.meta.title, meta=original.meta.meta) == original.meta
    assert again.transcript.to_dict() == original.transcript.to_dict()


def test_importing_into_the_same_store_gets_a_new_id(store: SessionStore, sample: list[AgentEvent]) -> None:
    original = _stored(store, sample, title="Renamed")
    text = export_jsonl(original)
    imported_id = import_jsonl(store, text)
    assert imported_id != original.id
    assert export_jsonl(store.load(imported_id)).splitlines()[1:] == text.splitlines()[1:]
    assert store.get(imported_id).title == "Renamed (imported)" and store.get(imported_id).title_custom


def test_a_crashed_session_exports_with_its_repairs_and_round_trips(
    store: SessionStore, tmp_path: Path
) -> None:
    crashed = _stored(store, crashed_turn())
    assert crashed.repaired
    text = export_jsonl(crashed)
    kinds = [json.loads(line)["kind"] for line in text.splitlines()[1:]]
    assert kinds[-3:] == ["message", "notice", "turn_failed"]
    with SessionStore(tmp_path / "other.db") as other:
        again = other.load(import_jsonl(other, text))
    assert again.repaired is False  # already consistent
    assert export_jsonl(again).splitlines()[1:] == text.splitlines()[1:]


def test_load_jsonl_needs_no_database(store: SessionStore, sample: list[AgentEvent]) -> None:
    original = _stored(store, sample)
    loaded = load_jsonl(export_jsonl(original))
    assert loaded.meta == original.meta
    assert loaded.events == original.events
    assert loaded.transcript.to_dict() == original.transcript.to_dict()
    assert loaded.transcript.file_context == "README.md"


def test_jsonl_header_and_lines(store: SessionStore, sample: list[AgentEvent]) -> None:
    lines = export_jsonl(_stored(store, sample)).splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "flux-tui-session" and header["version"] == 1
    assert header["session"]["title"] == "Fix the typo in README.md"
    assert [json.loads(line)["kind"] for line in lines[1:]] == [e.kind for e in sample]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("{not json\n", "line 1: invalid JSON"),
        ('{"format": "other"}\n', "not a flux-tui session export"),
        ('{"format": "flux-tui-session", "version": 99, "session": {}}\n', "newer"),
        (
            '{"format": "flux-tui-session", "version": 1, "session": {}}\n{"kind": "nope"}\n',
            "line 2: not an event",
        ),
        (
            '{"format": "flux-tui-session", "version": 1, "session": {}}\n\n{"kind": "notice"}\n',
            "line 3: a notice event with bad fields",
        ),
    ],
)
def test_bad_imports_name_the_problem(store: SessionStore, text: str, message: str) -> None:
    with pytest.raises(SessionFormatError, match=message):
        import_jsonl(store, text)
    assert store.list_sessions(include_empty=True) == []


def test_markdown_is_a_readable_record(store: SessionStore, sample: list[AgentEvent]) -> None:
    md = export_markdown(_stored(store, sample))
    for expected in [
        "# Fix the typo in README.md",
        "| Providers and models | anthropic / claude-sonnet-4-5, openai / gpt-4o |",
        "## Turn 1",
        "> Fix the typo in README.md\n> please",
        "<details><summary>Thinking</summary>\n\nLet me look at the file.",
        "I'll read the file first.",
        "**Tool `read_file`** — done · auto · 0.05 s",
        '"path": "README.md"',
        "```text\n# Helo world\n```",
        "**Tool `edit_file`** — done · approved (user)",
        "```diff\n" + DIFF.rstrip() + "\n```",
        "Switched to **openai / gpt-4o** from anthropic / claude-sonnet-4-5",
        "**Assistant** (openai / gpt-4o) — _incomplete_:",
        "**Failed (RateLimitError):** rate limited by openai",
        "_Cancelled by the user._",
        "| anthropic | claude-sonnet-4-5 | 2 | 400 | 32 | 50 | 10 | $0.0032 |",
        "| openai | gpt-4o | 1 | 400 | 9 | 0 | 0 | unpriced |",
        "| **Total** | | 3 | 800 | 41 | 50 | 10 | $0.0032+ |",
    ]:
        assert expected in md, expected
    # usage of a reply is shown after it, not before
    assert md.index("I'll read the file first.") < md.index("_Usage (anthropic / claude-sonnet-4-5): in 100")


def test_markdown_fences_survive_backticks_in_results(store: SessionStore, sample: list[AgentEvent]) -> None:
    from flux_tui.core.agent_events import ToolCallFinished

    events = [
        *sample[:13],
        ToolCallFinished(ts=T0 + 1.3, call_id="c1", status="done", result="```py\nx\n```"),
    ]
    md = export_markdown(_stored(store, events))
    assert "````text\n```py\nx\n```\n````" in md


def test_the_demo_session_loads_from_package_data(
    tmp_path: Path, store: SessionStore, sample: list[AgentEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo_session_path()
    assert path.parts[-4:] == ("flux_tui", "sessions", "demo", "demo_session.jsonl")
    recording = tmp_path / "demo_session.jsonl"
    recording.write_text(export_jsonl(_stored(store, sample)))
    monkeypatch.setattr(demo, "demo_session_path", lambda: recording)
    assert load_demo().events == sample
    monkeypatch.setattr(demo, "demo_session_path", lambda: tmp_path / "missing.jsonl")
    with pytest.raises(FileNotFoundError, match="demo session"):
        load_demo()
