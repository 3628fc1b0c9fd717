"""The command line's options: where they may stand, ``run --continue``/``--resume``, and configuration
errors that stop a subcommand (exit 2, one line each, no traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import build_parser, main
from flux_tui.sessions import SessionStore

PROMPT_TOOLS = [("c1", "write_file", {"path": "out.txt", "content": "x"})]


@pytest.fixture
def env(cli_env: Path) -> Path:
    """No real key or config leaks in; sessions live in ``tmp_path/data``; the cwd is the workspace."""
    return cli_env

@pytest.fixture
def on_openai(env: Path, fake_api: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_api.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-openai-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-anthropic-key")
    monkeypatch.setenv("FLUX_PROVIDER", "openai")
    return fake_api


def sessions(env: Path) -> list[Any]:
    with SessionStore(env / "data" / "sessions.db") as store:
        return store.list_sessions()


# -- options after the subcommand --------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "x", "--yolo", "--model", "m", "--provider", "openai", "--workspace", "w"],
        ["--yolo", "--model", "m", "--provider", "openai", "--workspace", "w", "run", "x"],
        ["--model", "other", "run", "--yolo", "--model", "m", "--provider", "openai", "--workspace=w", "x"],
    ],
)
def test_global_options_are_accepted_before_and_after_run(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    chosen = (args.command, args.prompt, args.yolo, args.model, args.provider)
    assert chosen == ("run", "x", True, "m", "openai")
    assert args.workspace == Path("w")


def test_an_option_before_run_is_not_reset_by_run() -> None:
    args = build_parser().parse_args(["--continue", "--model", "m", "run", "x"])
    assert args.continue_latest is True and args.model == "m"


def test_run_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    text = capsys.readouterr().out
    for option in ("--yolo", "--model", "--provider", "--workspace", "--continue", "--resume"):
        assert option in text


def test_yolo_after_run_allows_the_tool_call(env: Path, on_openai: Any) -> None:
    on_openai.queue_openai_tool_calls(PROMPT_TOOLS)
    on_openai.queue_openai_text("Written.")
    assert main(["run", "write out.txt", "--yolo"]) == 0
    assert (env / "work" / "out.txt").read_text() == "x"


def test_model_after_run_is_the_model_asked(env: Path, on_openai: Any) -> None:
    on_openai.queue_openai_text("ok")
    assert main(["run", "--model", "gpt-4.1", "hi"]) == 0
    assert on_openai.last_request("/v1/chat/completions").body["model"] == "gpt-4.1"


# -- run --continue / --resume -----------------------------------------------------------------------


def test_continue_run_goes_on_in_the_latest_session(env: Path, on_openai: Any) -> None:
    on_openai.queue_openai_text("Paris.")
    assert main(["run", "capital of France?"]) == 0
    on_openai.queue_openai_text("Berlin.")
    assert main(["--continue", "run", "and of Germany?"]) == 0

    sent = on_openai.last_request("/v1/chat/completions").body["messages"]
    assert [m["content"] for m in sent if m["role"] != "system"] == [
        "capital of France?",
        "Paris.",
        "and of Germany?",
    ]
    listed = sessions(env)
    assert len(listed) == 1 and listed[0].turns == 2


def test_resume_run_by_id_prefix(env: Path, on_openai: Any) -> None:
    on_openai.queue_openai_text("one")
    assert main(["run", "first"]) == 0
    first = sessions(env)[0].id
    on_openai.queue_openai_text("two")
    assert main(["run", "second"]) == 0
    on_openai.queue_openai_text("three")
    assert main(["run", "--resume", first[:8], "again"]) == 0
    sent = on_openai.last_request("/v1/chat/completions").body["messages"]
    assert [m["content"] for m in sent if m["role"] != "system"] == ["first", "one", "again"]


def test_continue_run_without_a_prompt_lets_the_model_go_on(env: Path, on_openai: Any) -> None:
    on_openai.queue_openai_text("a b c d e f", cut_after=3)
    assert main(["run", "count"]) == 1
    on_openai.queue_openai_text(" and the rest.")
    assert main(["run", "--continue"]) == 0
    sent = on_openai.last_request("/v1/chat/completions").body["messages"]
    assert sent[-1]["role"] == "assistant" and sent[-2]["content"] == "count"


def test_continue_run_with_nothing_to_continue_is_an_error(
    env: Path, on_openai: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--continue", "run", "hello"]) == 1  # no such session
    assert "no saved session to continue" in capsys.readouterr().err
    assert sessions(env) == []
    on_openai.queue_openai_text("done")
    assert main(["run", "hello"]) == 0
    assert main(["run", "--continue"]) == 2
    assert "the last answer is complete" in capsys.readouterr().err


def test_continue_with_provider_and_model_overrides_the_stored_provider(env: Path, on_openai: Any) -> None:
    on_openai.queue_openai_text("from openai")
    assert main(["run", "hi"]) == 0
    on_openai.queue_anthropic_text("from anthropic")
    argv = ["--continue", "--provider", "anthropic", "--model", "claude-sonnet-4-5", "run", "go on"]
    assert main(argv) == 0

    request = on_openai.last_request("/v1/messages")
    assert request.body["model"] == "claude-sonnet-4-5"
    assert "from openai" in str(request.body["messages"])
    assert len(on_openai.requests_to("/v1/chat/completions")) == 1
    assert sessions(env)[0].models == ["openai:gpt-5.5", "anthropic:claude-sonnet-4-5"]


def test_continue_without_options_stays_on_the_stored_provider(
    env: Path, on_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_openai.queue_openai_text("from openai", model="gpt-4o")
    assert main(["run", "--model", "gpt-4o", "hi"]) == 0
    monkeypatch.setenv("FLUX_PROVIDER", "anthropic")  # the configured default changed since
    on_openai.queue_openai_text("still openai")
    assert main(["run", "--continue", "go on"]) == 0
    assert on_openai.last_request("/v1/chat/completions").body["model"] == "gpt-4o"
    assert on_openai.requests_to("/v1/messages") == []


# -- configuration errors stop a subcommand ----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env_vars"),
    [
        (["run", "hi", "--provider", "nope"], {}),
        (["--provider", "nope", "run", "hi"], {}),
        (["run", "hi"], {"FLUX_PROVIDER": "bogus", "FLUX_MODEL": "gpt-4o"}),
    ],
)
def test_an_unknown_provider_is_a_configuration_error(
    env: Path,
    on_openai: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env_vars: dict[str, str],
) -> None:
    for name, value in env_vars.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unknown provider" in err and "supported providers: anthropic, openai" in err
    assert on_openai.requests == []  # nothing sent anywhere


def test_a_deeply_nested_flux_toml_is_one_line_and_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "work" / "flux.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["sessions", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "flux.toml" in err and "nested too deeply" in err


def test_an_invalid_flux_toml_stops_run(
    env: Path, on_openai: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "work" / "flux.toml").write_text('provider = "ollama\n')
    assert main(["run", "hi"]) == 2
    assert "invalid TOML" in capsys.readouterr().err
    assert on_openai.requests == []


@pytest.mark.parametrize("command", [["run", "hi"], ["sessions", "list"], ["export", "abc"]])
def test_a_data_dir_that_is_a_file_is_one_line_and_exit_2(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    data = env / "not-a-dir"
    data.write_text("")
    monkeypatch.setenv("FLUX_DATA_DIR", str(data))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-anthropic-key")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "data_dir" in err and "not a directory" in err
    assert "Traceback" not in err
