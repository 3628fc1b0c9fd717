"""A prompt that got no answer (live, or on resume) keeps showing what was typed and names what was
attached; the ``<context>`` block never appears in the chat."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import expand_mentions
from flux_tui.ui.widgets.chat_items import UserPrompt


class _OnePrompt(App[None]):
    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        yield UserPrompt(self.prompt)


async def test_marking_a_prompt_unanswered_keeps_the_attachments_named(tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_text("zebracode\n")
    prompt = expand_mentions("explain @log.txt", Workspace(tmp_path)).text
    app = _OnePrompt(prompt)
    async with app.run_test() as pilot:
        widget = app.query_one(UserPrompt)
        widget.mark_unanswered("the provider failed", sent=True)
        await pilot.pause()
        shown = str(widget.render())
        assert "explain @log.txt" in shown and "📎 log.txt" in shown and "no answer" in shown
        assert "<context>" not in shown and "zebracode" not in shown
