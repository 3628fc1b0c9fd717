"""Every view of a stored prompt shows what was typed and names what was attached: ``/history``, the fork
dialog's turns, the search index (snippets, titles), never the raw ``<context>`` block."""

from __future__ import annotations

from pathlib import Path

from session_samples import T0, user

from flux_tui.core.agent_events import MessageCommitted, TurnStarted
from flux_tui.core.attachments import prompt_as_typed, split_context
from flux_tui.core.transcript import Transcript
from flux_tui.sessions import SessionStore
from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import ShellOutput, expand_mentions
from flux_tui.ui.reports import history_markdown
from flux_tui.ui.screens.session_dialogs import prompts_of


def _stored_prompt(tmp_path: Path) -> str:
    (tmp_path / "build.log").write_text("zebracode error in module\n")
    shell = [ShellOutput("make", "quagga failed\n[exit code 2]")]
    return expand_mentions("why does the build fail? @build.log", Workspace(tmp_path), shell=shell).text


def test_prompt_as_typed_names_the_attachments(tmp_path: Path) -> None:
    prompt = _stored_prompt(tmp_path)
    assert split_context(prompt) == ("why does the build fail? @build.log", ["build.log", "!make"])
    assert prompt_as_typed(prompt) == "why does the build fail? @build.log\n📎 build.log, !make"
    assert prompt_as_typed("no attachments") == "no attachments"


def test_history_and_fork_list_show_the_typed_prompt(tmp_path: Path) -> None:
    transcript = Transcript()
    transcript.add_user_text(_stored_prompt(tmp_path))
    for shown in (history_markdown(transcript), prompts_of(transcript)[0][1]):
        assert "why does the build fail?" in shown and "📎 build.log, !make" in shown
        assert "<context>" not in shown and "zebracode" not in shown and "<file" not in shown


def test_search_snippets_and_title_hold_no_context_block(tmp_path: Path) -> None:
    prompt = _stored_prompt(tmp_path)
    with SessionStore(tmp_path / "sessions.db") as store:
        session_id = store.create_session()
        store.append(
            session_id,
            [
                TurnStarted(ts=T0, turn_id="t", prompt=prompt, provider="p", model="m"),
                MessageCommitted(ts=T0 + 0.1, message=user("u1", prompt, T0)),
            ],
        )
        hits = store.search("build")
        assert [h.message_id for h in hits] == ["u1"]
        assert "<context>" not in hits[0].snippet and "<file" not in hits[0].snippet
        assert store.search("zebracode") == []  # the attached contents are not indexed
        assert store.get(session_id).title == "why does the build fail? @build.log"
