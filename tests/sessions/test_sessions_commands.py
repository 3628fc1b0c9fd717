"""The CLI's session functions: list table, export, import, errors."""

from __future__ import annotations

import io
from pathlib import Path

from session_samples import T0

from flux_tui.core.agent_events import AgentEvent
from flux_tui.sessions import SessionStore, export_jsonl
from flux_tui.sessions.commands import cmd_export, cmd_import, cmd_sessions_list


def test_list_prints_a_table(store: SessionStore, sample: list[AgentEvent]) -> None:
    out = io.StringIO()
    assert cmd_sessions_list(store, out) == 0
    assert out.getvalue() == "No saved sessions yet.\n"

    session_id = store.create_session(created_at=T0)
    store.append(session_id, sample)
    out = io.StringIO()
    assert cmd_sessions_list(store, out) == 0
    header, row = out.getvalue().splitlines()
    assert header.split() == ["ID", "TITLE", "STARTED", "PROVIDERS", "/", "MODELS", "COST", "TURNS"]
    assert row.startswith(f"{session_id}  Fix the typo in README.md")
    assert "anthropic:claude-sonnet-4-5, openai:gpt-4o" in row
    assert row.split()[-2:] == ["$0.0032+", "3"]


def test_export_both_formats_and_unknown_ids(store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session()
    store.append(session_id, sample)
    out, err = io.StringIO(), io.StringIO()
    assert cmd_export(store, session_id[:6], "jsonl", out, err=err) == 0  # a unique prefix will do
    assert out.getvalue() == export_jsonl(store.load(session_id))
    out = io.StringIO()
    assert cmd_export(store, session_id, "md", out, err=err) == 0
    assert out.getvalue().startswith("# Fix the typo in README.md\n")
    assert err.getvalue() == ""

    err = io.StringIO()
    assert cmd_export(store, "nosuchid", "md", io.StringIO(), err=err) == 1
    assert "no session 'nosuchid'" in err.getvalue()
    err = io.StringIO()
    assert cmd_export(store, session_id, "pdf", io.StringIO(), err=err) == 2
    assert "unknown export format 'pdf'" in err.getvalue()


def test_import_prints_the_new_id(tmp_path: Path, store: SessionStore, sample: list[AgentEvent]) -> None:
    session_id = store.create_session()
    store.append(session_id, sample)
    file = tmp_path / "export.jsonl"
    file.write_text(export_jsonl(store.load(session_id)))
    with SessionStore(tmp_path / "other.db") as other:
        out = io.StringIO()
        assert cmd_import(other, file, out) == 0
        assert out.getvalue() == f"Imported session {session_id}: Fix the typo in README.md (imported)\n"
        assert other.load(session_id).events == sample

        err = io.StringIO()
        assert cmd_import(other, tmp_path / "missing.jsonl", io.StringIO(), err=err) == 1
        assert "cannot read" in err.getvalue()
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"format": "flux-tui-session", "version": 1, "session": {}}\n{oops\n')
        err = io.StringIO()
        assert cmd_import(other, bad, io.StringIO(), err=err) == 1
        assert "line 2: invalid JSON" in err.getvalue()
