"""``run --continue`` in a session whose last provider cannot be used here (an uninstalled plug-in): it
goes on with the configured provider and says so on stderr, in the TUI's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import main
from flux_tui.core.agent_events import MessageCommitted, TextDelta, TurnFinished, TurnStarted
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.sessions import SessionStore
from flux_tui.sessions.resume import provider_gone_note


def _session_on(db: Path, provider: str, model: str) -> str:
    transcript = Transcript()
    user = transcript.add_user_text("hello")
    reply = transcript.add_assistant(
        [TextBlock("hi")], provider=provider, model=model, stop_reason="end_turn"
    )
    events = [
        TurnStarted(turn_id="t1", prompt="hello", provider=provider, model=model),
        MessageCommitted(message=user.to_dict()),
        TextDelta(text="hi"),
        MessageCommitted(message=reply.to_dict()),
        TurnFinished(stop_reason="end_turn"),
    ]
    with SessionStore(db) as store:
        session_id = store.create_session(None)
        store.append(session_id, events)
    return session_id


def test_continue_goes_on_with_the_configured_provider(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _session_on(cli_env / "data" / "sessions.db", "echo", "echo-1")
    openai_fake.queue_openai_text("Still here.")
    code = main(["run", "--continue", "and now?"])
    captured = capsys.readouterr()
    assert code == 0 and captured.out == "Still here.\n"
    assert provider_gone_note("echo", "openai") in captured.err


def test_a_provider_named_on_the_command_line_still_stops_when_unknown(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _session_on(cli_env / "data" / "sessions.db", "echo", "echo-1")
    assert main(["run", "--continue", "--provider", "echo", "and now?"]) == 2
