"""One table of exit codes: what ``--help`` says is what every path returns (no such session = 1),
and a command that stops on a setting does not say it goes on with the default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flux_tui import headless
from flux_tui.cli import EXIT_CODES, SUBCOMMAND_EXIT_CODES, build_parser, main
from flux_tui.core.exit_codes import MEANING, ExitCode
from flux_tui.sessions.models import EXIT_STORE


def test_the_help_is_the_table() -> None:
    help_text = " ".join(build_parser().format_help().split())
    for code, meaning in MEANING.items():
        assert f"{int(code)} {meaning}" in EXIT_CODES
        assert f"{int(code)} {' '.join(meaning.split())}" in help_text
    assert {headless.EXIT_OK, headless.EXIT_FAILED, headless.EXIT_CONFIG, EXIT_STORE} <= set(ExitCode)
    assert "1 the turn failed (provider error), or no such session" in SUBCOMMAND_EXIT_CODES["run"]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--resume", "zzz", "x"],
        ["--resume", "zzz", "run", "x"],
        ["run", "--continue", "x"],
        ["export", "zzz"],
    ],
)
def test_no_such_session_is_1_everywhere(
    openai_fake: Any, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == ExitCode.FAILED == 1
    err = capsys.readouterr().err
    assert "no session" in err or "no saved session" in err
    assert openai_fake.requests == []


def test_an_unknown_provider_stops_and_says_so_truly(
    openai_fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--provider", "nope", "run", "x"]) == ExitCode.USAGE == 2
    err = capsys.readouterr().err
    assert "unknown provider 'nope'" in err and "using the default" not in err
    assert openai_fake.requests == []


def test_the_app_still_names_its_fallback(cli_env: Path) -> None:
    from flux_tui.core.config import load_config

    _, problems = load_config(provider="nope")
    assert any("using the default" in str(p) for p in problems)
