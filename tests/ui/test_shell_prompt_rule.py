"""Which prompts run as ``!command``: one line only; ``![`` (a Markdown image) and ``!!`` (a literal
``!``) go to the model, and text pasted after a leading ``!`` never runs as commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ui_pilot import SIZE, send

from flux_tui.ui.commands import help_markdown, parse_shell, unescape_prompt
from flux_tui.ui.widgets.info_panel import InfoPanel


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("!make test", "make test"),
        ("  !ls  ", "ls"),
        ("!! Important: the build fails\ntouch x", None),
        ("!make\ntouch x", None),
        ("![diagram](x.png) explain this", None),
        ("!!not a command", None),
        ("plain text", None),
    ],
)
def test_parse_shell(typed: str, command: str | None) -> None:
    assert parse_shell(typed) == command


def test_double_bang_sends_a_literal_bang() -> None:
    assert unescape_prompt("!!important") == "!important"
    assert unescape_prompt("//etc") == "/etc"
    assert "`!!`" in help_markdown([])


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("!! Important: the build fails with this log\ntouch ran-from-prompt", "! Important: the build"),
        ("!echo hi\ntouch ran-from-prompt", "!echo hi\\ntouch ran-from-prompt"),
        ("![alt](x.png)\ntouch ran-from-prompt", "![alt](x.png)"),
    ],
)
async def test_a_multiline_bang_prompt_goes_to_the_model_and_runs_nothing(
    make_app: Any, fake_api: Any, sandbox: Path, typed: str, sent: str
) -> None:
    fake_api.queue_anthropic_text("Noted.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, typed)
        assert not (sandbox / "ran-from-prompt").exists()
        assert not app.conversation.chat.query(InfoPanel).filter(".shell")
        body = json.dumps(fake_api.last_request("/v1/messages").body["messages"][-1])
        assert sent in body
