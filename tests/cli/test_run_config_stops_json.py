"""``run --output-format json|stream-json`` stopped by a configuration problem still prints its JSON
object (exit 2, the problem as "error"), and the message does not say the run went on without it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flux_tui.cli import main


def _result(out: str) -> dict[str, Any]:
    return json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


@pytest.mark.parametrize("fmt", ["json", "stream-json"])
def test_an_unknown_provider_option_prints_the_object(
    cli_env: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code = main(["run", "--provider", "nope", "--output-format", fmt, "x"])
    captured = capsys.readouterr()
    data = json.loads(captured.out) if fmt == "json" else _result(captured.out)
    assert code == 2 and data["exit"] == 2 and "nope" in data["error"]
    assert data["session_id"] is None and data["answer"] == ""
    assert "using the default" not in captured.err


def test_an_unknown_provider_variable_prints_the_object(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUX_PROVIDER", "bogus")
    code = main(["run", "--output-format", "json", "x"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2 and data["exit"] == 2 and "bogus" in data["error"]


def test_an_unparsable_flux_toml_prints_the_object_and_does_not_say_ignored(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cli_env / "work" / "flux.toml").write_text("model = [\n", encoding="utf-8")
    code = main(["run", "--output-format", "json", "x"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 2 and data["exit"] == 2 and "invalid TOML" in data["error"]
    assert "flux.toml" in captured.err and "ignored" not in captured.err


def test_the_app_still_says_it_ignores_the_file(cli_env: Path) -> None:
    from flux_tui.core.config import load_config

    (cli_env / "work" / "flux.toml").write_text("model = [\n", encoding="utf-8")
    _config, problems = load_config()
    assert any("invalid TOML" in str(p) and "this file was ignored" in str(p) for p in problems)
