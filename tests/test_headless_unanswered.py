"""``flux-tui run`` when the prompt gets no answer: the session it saves keeps the prompt marked, outside
the history a later ``--continue`` would send, and its export shows it marked. Through ``cli.main``
against the fake API server."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import main
from flux_tui.core import pricing
from flux_tui.core.agent_events import PromptUnanswered
from flux_tui.headless import EXIT_FAILED
from flux_tui.sessions import SessionStore
from flux_tui.sessions.markdown import export_markdown


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_api: Any) -> Iterator[Path]:
    """No real key or config leaks in; sessions live in ``tmp_path/data``; openai is the fake API."""
    for name in list(os.environ):
        if name.upper().startswith(("FLUX_", "ANTHROPIC_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-openai-key")
    monkeypatch.setenv("FLUX_PROVIDER", "openai")
    root = logging.getLogger()
    handlers, level = list(root.handlers), logging.getLogger("flux_tui").level
    yield tmp_path
    for handler in [h for h in root.handlers if h not in handlers]:  # main() installs the file log
        root.removeHandler(handler)
        handler.close()
    logging.getLogger("flux_tui").setLevel(level)
    pricing.clear_overrides()


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
