"""``flux-tui run`` on a refusal or an answer cut at max_tokens: the TUI's words on stderr, the stop
reason in the JSON, and the exit code of each (a refusal is no answer: 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import main
from flux_tui.core.stop_notes import STOP_NOTES


@pytest.fixture
def anthropic_fake(cli_env: Path, fake_api: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-anthropic-key")
    monkeypatch.setenv("FLUX_PROVIDER", "anthropic")
    return fake_api


@pytest.fixture
def gemini_fake(cli_env: Path, fake_api: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake_api.gemini_base_url)
    monkeypatch.setenv("GEMINI_API_KEY", "test-gemini-key")
    monkeypatch.setenv("FLUX_PROVIDER", "gemini")
    return fake_api


def test_an_anthropic_refusal_is_said_and_exits_1(
    anthropic_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    anthropic_fake.queue_anthropic_text("", stop_reason="refusal")
    code = main(["run", "something bad"])
    captured = capsys.readouterr()
    assert code == 1
    assert STOP_NOTES["refusal"] in captured.err


def test_a_gemini_safety_stop_is_a_refusal_in_the_json(
    gemini_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    gemini_fake.queue_gemini("", finish="SAFETY")
    code = main(["run", "--output-format", "json", "something bad"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 1 and data["exit"] == 1
    assert data["stop_reason"] == "refusal" and data["answer"] == ""
    assert STOP_NOTES["refusal"] in captured.err


def test_an_answer_cut_at_max_tokens_is_printed_with_a_warning(
    anthropic_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    anthropic_fake.queue_anthropic_text("The first half", stop_reason="max_tokens")
    code = main(["run", "a long story"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == "The first half\n"
    assert STOP_NOTES["max_tokens"] in captured.err


def test_gemini_max_tokens_gives_the_stop_reason_in_the_json(
    gemini_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    gemini_fake.queue_gemini("The first half", finish="MAX_TOKENS")
    code = main(["run", "--output-format", "json", "a long story"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["stop_reason"] == "max_tokens" and data["answer"] == "The first half"


def test_a_finished_answer_has_stop_reason_end_turn(
    anthropic_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    anthropic_fake.queue_anthropic_text("Paris.")
    code = main(["run", "--output-format", "json", "capital of France?"])
    captured = capsys.readouterr()
    assert code == 0 and json.loads(captured.out)["stop_reason"] == "end_turn"
    assert "warning" not in captured.err
