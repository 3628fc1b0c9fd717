"""``run --output-format json``: the answer of a tool-using turn keeps its steps apart, as text mode does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import main


def test_the_steps_of_the_answer_are_paragraphs(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_tool_calls([("c1", "list_files", {})], text="Step one.")
    openai_fake.queue_openai_text("Step two.")
    code = main(["run", "--output-format", "json", "look around"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["answer"] == "Step one.\n\nStep two."
    openai_fake.queue_openai_tool_calls([("c1", "list_files", {})], text="Step one.")
    openai_fake.queue_openai_text("Step two.")
    assert main(["run", "look around"]) == 0
    assert capsys.readouterr().out == data["answer"] + "\n"
