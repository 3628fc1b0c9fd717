"""/stats names a turn by what was typed: the attached files' contents stay out of the table."""

from __future__ import annotations

from flux_tui.core.agent_events import TurnFinished, TurnStarted, UsageReported
from flux_tui.core.attribution import Attribution
from flux_tui.core.ledger import UsageLedger
from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import expand_mentions
from flux_tui.tools.secret_files import SecretFiles
from flux_tui.ui.reports import stats_markdown


def test_the_costliest_turns_show_the_prompt_as_typed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.md").write_text("remember the milk\n")
    expanded = expand_mentions("what is in @notes.md?", Workspace(tmp_path), SecretFiles(), [])
    prompt = expanded.text
    assert "<context>" in prompt
    events = [
        TurnStarted(turn_id="t1", prompt=prompt, provider="anthropic", model="claude-sonnet-4-5"),
        UsageReported(provider="anthropic", model="claude-sonnet-4-5", input_tokens=1000, output_tokens=10,
                      cost=0.01, input_cost=0.008),
        TurnFinished(stop_reason="end_turn"),
    ]  # fmt: skip
    ledger, attribution = UsageLedger(), Attribution()
    for event in events:
        ledger.apply(event)
        attribution.apply(event)
    text = stats_markdown(ledger, attribution)
    row = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    assert "what is in @notes.md?" in row and "notes.md" in row
    assert "context" not in row and "file" not in row  # the block's tags, escaped or not
