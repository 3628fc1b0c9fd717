"""The Markdown export counts a turn's requests in words that agree with the count: "(1 request)"."""

from __future__ import annotations

from pathlib import Path

from flux_tui.core.agent_events import TurnFinished, TurnStarted, UsageReported
from flux_tui.sessions import SessionStore, export_markdown


def test_a_turn_of_one_request_says_one_request(tmp_path: Path) -> None:
    events = [
        TurnStarted(turn_id="t1", prompt="Hi", provider="anthropic", model="claude-sonnet-4-6"),
        UsageReported(
            provider="anthropic", model="claude-sonnet-4-6", input_tokens=10, output_tokens=5, cost=0.01
        ),
        TurnFinished(stop_reason="end_turn"),
    ]
    with SessionStore(tmp_path / "s.db") as store:
        session_id = store.create_session()
        store.append(session_id, events)
        exported = export_markdown(store.load(session_id))
    assert "(1 request)" in exported and "(1 requests)" not in exported
