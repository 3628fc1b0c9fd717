"""What ``flux-tui run`` prints: the text before and after a tool call apart, tool activity on stderr,
and hints that name what works without the UI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from agent_rig import KEYS, MODELS
from fakeapi import FakeAPI

from flux_tui.core.agent_events import TextDelta, ToolCallProposed
from flux_tui.core.config import Config
from flux_tui.core.redact import Redactor
from flux_tui.headless import EXIT_FAILED, EXIT_OK, HeadlessPrinter, run_headless


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "config"))
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "notes.md").write_text("remember the milk\n")
    return ws


def config_for(api: FakeAPI, workspace: Path, kind: str, **extra: Any) -> Config:
    base = api.anthropic_base_url if kind == "anthropic" else api.openai_base_url
    settings: dict[str, Any] = {"model": MODELS[kind], f"{kind}_api_key": KEYS[kind]}
    settings[f"{kind}_base_url"] = base
    return Config(provider=kind, workspace=workspace, **(settings | extra))


async def run(config: Config, prompt: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_headless(config, prompt, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_text_before_and_after_a_tool_call_is_not_glued(
    fake_api: FakeAPI, workspace: Path, kind: str
) -> None:
    call = [("call_1", "read_file", {"path": "notes.md"})]
    if kind == "anthropic":
        fake_api.queue_anthropic_tool_use(call, text="Let me read it.")
        fake_api.queue_anthropic_text("Tool result seen: buy milk.")
    else:
        fake_api.queue_openai_tool_calls(call, text="Let me read it.")
        fake_api.queue_openai_text("Tool result seen: buy milk.")

    code, out, err = await run(config_for(fake_api, workspace, kind), "What do my notes say?")

    assert code == EXIT_OK
    assert out == "Let me read it.\n\nTool result seen: buy milk.\n"
    assert "[tool] read_file" in err and "[tool]" not in out


def test_a_line_already_ended_gets_only_the_missing_newline() -> None:
    out, err = io.StringIO(), io.StringIO()
    printer = HeadlessPrinter(out, err)
    printer(TextDelta(text="First.\n"))
    printer(ToolCallProposed(call_id="c", name="list_files", input={}))
    printer(TextDelta(text="Second."))
    printer(ToolCallProposed(call_id="d", name="list_files", input={}))
    printer(ToolCallProposed(call_id="e", name="list_files", input={}))
    printer(TextDelta(text="Third.\n\n"))
    printer(ToolCallProposed(call_id="f", name="list_files", input={}))
    printer(TextDelta(text="Fourth."))
    printer.finish()
    assert out.getvalue() == "First.\n\nSecond.\n\nThird.\n\nFourth.\n"


def test_a_tool_call_before_any_text_adds_nothing() -> None:
    out, err = io.StringIO(), io.StringIO()
    printer = HeadlessPrinter(out, err)
    printer(ToolCallProposed(call_id="c", name="list_files", input={}))
    printer(TextDelta(text="Done."))
    printer.finish()
    assert out.getvalue() == "Done.\n"


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_a_dropped_stream_says_what_to_do_headless(
    fake_api: FakeAPI, workspace: Path, kind: str
) -> None:
    if kind == "anthropic":
        fake_api.queue_anthropic_text("one two three four five", cut_after=3)
    else:
        fake_api.queue_openai_text("one two three four five", cut_after=3)

    code, out, err = await run(config_for(fake_api, workspace, kind), "count")

    assert code == EXIT_FAILED and out.startswith("one")
    assert "flux-tui run --continue" in err
    assert "/retry" not in err and "/continue" not in err


async def test_a_stream_that_broke_off_before_the_answer_says_run_again(
    fake_api: FakeAPI, workspace: Path
) -> None:
    for _ in range(2):
        fake_api.queue_openai_text("one two", end_after=0)
    code, _, err = await run(config_for(fake_api, workspace, "openai", max_retries=1), "count")
    assert code == EXIT_FAILED
    assert "run the command again" in err and "/retry" not in err


async def test_an_unknown_model_names_the_option(fake_api: FakeAPI, workspace: Path) -> None:
    fake_api.queue_error("openai", 404, message="The model `gpt-nope` does not exist")
    code, _, err = await run(config_for(fake_api, workspace, "openai", model="gpt-nope"), "hi")
    assert code == EXIT_FAILED
    assert "--model" in err and "/model" not in err


def test_a_key_split_across_the_answers_pieces_is_redacted_whole() -> None:
    key = "sk-proj-Qx7Vb2Lm9Tn4Rw8Ys1Za6Kc3Hd5Jf0"
    out, err = io.StringIO(), io.StringIO()
    printer = HeadlessPrinter(out, err, Redactor([key]))
    for piece in ("Your key is ", key[:9], key[9:20], key[20:], " and that is all."):
        printer(TextDelta(text=piece))
        assert "Qx7V" not in out.getvalue()  # nothing of it goes out before the rest has come
    printer(
        ToolCallProposed(call_id="c", name="run_command", input={"command": f"curl -H 'x-api-key: {key}'"})
    )
    printer(TextDelta(text=f"Done with {key[:12]}"))  # the answer ends on what could be a key's start
    printer.finish()
    written = out.getvalue() + err.getvalue()
    assert key not in written and "Qx7Vb2" not in written
    assert out.getvalue().startswith("Your key is [REDACTED") and "and that is all." in out.getvalue()
    assert "[tool] run_command" in err.getvalue()


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_run_prints_no_configured_key(fake_api: FakeAPI, workspace: Path, kind: str) -> None:
    key = KEYS[kind]
    call = [("call_1", "read_file", {"path": f"{key}.md"})]
    if kind == "anthropic":
        fake_api.queue_anthropic_tool_use(call, text=f"Reading {key} now.")
        fake_api.queue_anthropic_text(f"The key {key} is not in the notes.")
    else:
        fake_api.queue_openai_tool_calls(call, text=f"Reading {key} now.")
        fake_api.queue_openai_text(f"The key {key} is not in the notes.")

    code, out, err = await run(config_for(fake_api, workspace, kind), "look for my key")
    assert code == EXIT_OK, err

    assert key not in out and key not in err
    assert "is not in the notes." in out and "[tool] read_file" in err
