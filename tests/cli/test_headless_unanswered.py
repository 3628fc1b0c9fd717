"""``flux-tui run`` when the prompt gets no answer: the session it saves keeps the prompt marked, outside
the history a later ``--continue`` would send, and its export shows it marked. Through ``cli.main``
against the fake API server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import main
from flux_tui.core.agent_events import PromptUnanswered
from flux_tui.headless import EXIT_FAILED
from flux_tui.sessions import SessionStore
from flux_tui.sessions.markdown import export_markdown


@pytest.fixture
def env(cli_env: Path, openai_fake: Any) -> Path:
    """``cli_env``, with openai served by the fake API."""
    return cli_env

def test_a_failed_run_saves_the_prompt_marked_and_out_of_the_history(
    env: Path, fake_api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.queue_error("openai", 401)
    assert main(["run", "FAIL401 now"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert len(fake_api.requests_to("/v1/chat/completions")) == 1
    with SessionStore(env / "data" / "sessions.db") as store:
        (info,) = store.list_sessions()
        loaded = store.load(info.id)
    assert loaded.transcript.messages == []  # --continue would not send it along with the next prompt
    marks = [e for e in loaded.events if isinstance(e, PromptUnanswered)]
    assert [(e.prompt, e.sent) for e in marks] == [("FAIL401 now", True)]
    assert marks[0].reason == "invalid key for openai (OPENAI_API_KEY)"
    exported = export_markdown(loaded)
    assert "**You** — _no answer: invalid key for openai (OPENAI_API_KEY); left out of the conversation_" in (
        exported
    )
    assert "> FAIL401 now" in exported
    assert "test-openai-key" not in exported
    assert "the prompt got no answer: the session keeps it, marked" in err
