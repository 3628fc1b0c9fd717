"""``flux-tui run --output-format text|json|stream-json``, with ``--continue``/``--resume``, ``--version``,
the subcommands' ``--help`` and the shell completion scripts."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import build_parser, main
from flux_tui.sessions import SessionStore


def _sessions(env: Path) -> list[Any]:
    with SessionStore(env / "data" / "sessions.db") as store:
        return store.list_sessions()


def _json_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["run", "--output-format", "json", *argv])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_json_is_one_object_with_answer_session_usage_and_exit(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_text("Paris.", usage={"prompt_tokens": 40, "completion_tokens": 3})
    code, data, _err = _json_run(capsys, "capital of France?")
    assert code == 0
    assert set(data) >= {"answer", "session_id", "provider", "model", "usage", "cost_usd", "exit"}
    assert data["answer"] == "Paris." and data["exit"] == 0 and data["error"] is None
    assert data["provider"] == "openai" and data["model"]
    assert data["usage"]["input_tokens"] == 40 and data["usage"]["output_tokens"] == 3
    assert isinstance(data["cost_usd"], float) and data["cost_usd"] > 0
    assert data["session_id"] == _sessions(cli_env)[0].id


def test_json_continue_and_resume_go_on_in_the_same_session(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_text("Paris.")
    _, first, _ = _json_run(capsys, "capital of France?")
    openai_fake.queue_openai_text("Berlin.")
    code, second, _ = _json_run(capsys, "--continue", "and of Germany?")
    assert code == 0 and second["session_id"] == first["session_id"] and second["answer"] == "Berlin."
    openai_fake.queue_openai_text("Rome.")
    code, third, _ = _json_run(capsys, "--resume", first["session_id"][:8], "and of Italy?")
    assert code == 0 and third["session_id"] == first["session_id"]
    sent = openai_fake.last_request("/v1/chat/completions").body["messages"]
    assert [m["content"] for m in sent if m["role"] != "system"][-1] == "and of Italy?"
    assert len(_sessions(cli_env)) == 1


def test_json_reports_a_failed_turn_with_its_exit_code(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUX_MAX_RETRIES", "0")
    openai_fake.queue_error("/v1/chat/completions", 400, message="bad things")
    code, data, _ = _json_run(capsys, "hi")
    assert code == 1 and data["exit"] == 1
    assert "bad things" in data["error"] and data["answer"] == ""


def test_json_reports_no_such_session(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, data, err = _json_run(capsys, "--resume", "nosuchsession", "hi")
    assert code == 1 and data["exit"] == 1 and data["session_id"] is None
    assert data["error"] and "nosuchsession" in err


def test_stream_json_prints_one_event_per_line_then_the_result(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_tool_calls([("c1", "list_files", {})], text="Looking.")
    openai_fake.queue_openai_text("Nothing here.")
    code = main(["run", "--output-format", "stream-json", "what is here?"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    kinds = [line["kind"] for line in lines]
    assert kinds[0] == "turn_started" and kinds[-1] == "result"
    assert "text_delta" in kinds and "tool_call_proposed" in kinds and "tool_call_finished" in kinds
    assert kinds.index("tool_call_finished") < len(kinds) - 2
    result = lines[-1]
    assert result["answer"] == "Looking.\n\nNothing here." and result["exit"] == 0
    assert result["session_id"] == _sessions(cli_env)[0].id


def test_text_output_is_unchanged(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    openai_fake.queue_openai_text("Paris.")
    assert main(["run", "--output-format", "text", "capital?"]) == 0
    assert capsys.readouterr().out == "Paris.\n"


def test_version_comes_from_the_installed_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    import flux_tui

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"flux-tui {version('flux-tui')}"
    assert flux_tui.__version__ == version("flux-tui")


@pytest.mark.parametrize(
    "command", [[], ["run"], ["replay"], ["export"], ["import"], ["sessions"], ["completion"]]
)
def test_every_help_documents_its_options_and_exit_codes(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    text = capsys.readouterr().out
    assert "exit codes: 0" in text and "options:" in text
    if command == ["run"]:
        assert "--output-format {text,json,stream-json}" in text


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_know_the_subcommands_and_options(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "flux-tui" in script and "replay" in script and "--output-format" in script


def test_json_on_a_broken_store_still_prints_the_object_with_the_store_code(
    cli_env: Path, openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from store_samples import garbage

    from flux_tui.sessions.models import EXIT_STORE

    garbage(cli_env / "data" / "sessions.db")
    openai_fake.queue_openai_text("An answer nobody can save.")
    code, data, err = _json_run(capsys, "hi")
    assert code == EXIT_STORE and data["exit"] == EXIT_STORE
    assert data["error"] and "flux-tui:" in err
