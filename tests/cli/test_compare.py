"""``flux-tui compare``: the recorded prompts re-run on other targets, side by side, against the fake API.

The recording's figures come from its stored events; each target re-runs in a scratch copy of the
workspace (the user's files never change) with commands denied unless ``--allow-commands``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

from flux_tui import cli
from flux_tui.core.agent_events import (
    AgentEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallProposed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.money import usd
from flux_tui.core.pricing import price_usage
from flux_tui.sessions import SessionStore
from flux_tui.sessions.commands import DB_FILENAME

RECORDED = ("anthropic", "claude-sonnet-4-6")
TARGETS = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-6"}


def recording(t0: float = 1_700_000_000.0) -> list[AgentEvent]:
    def usage(tokens_in: int, tokens_out: int, cost: float, ts: float) -> UsageReported:
        return UsageReported(
            ts=ts, provider=RECORDED[0], model=RECORDED[1], input_tokens=tokens_in,
            output_tokens=tokens_out, cost=cost, input_cost=cost / 2,
        )  # fmt: skip

    p, m = RECORDED
    return [
        TurnStarted(ts=t0, turn_id="t1", prompt="Fix the typo in README.md", provider=p, model=m),
        usage(1000, 40, 0.0040, t0 + 1),
        ToolCallProposed(ts=t0 + 1, call_id="c1", name="edit_file", input={"path": "README.md"}),
        ToolCallFinished(ts=t0 + 2, call_id="c1", status="done", result="edited"),
        TextDelta(ts=t0 + 3, text="Fixed the typo.\nDone."),
        usage(1100, 10, 0.0050, t0 + 3),
        TurnFinished(ts=t0 + 4, stop_reason="end_turn"),
        TurnStarted(ts=t0 + 10, turn_id="t2", prompt="Run the tests", provider=p, model=m),
        TextDelta(ts=t0 + 11, text="All green."),
        usage(1200, 5, 0.0060, t0 + 11),
        TurnFinished(ts=t0 + 12, stop_reason="end_turn"),
    ]  # fmt: skip


@pytest.fixture
def setup(cli_env: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    for kind, base in (("OPENAI", fake_api.openai_base_url), ("ANTHROPIC", fake_api.anthropic_base_url)):
        monkeypatch.setenv(f"{kind}_BASE_URL", base)
        monkeypatch.setenv(f"{kind}_API_KEY", f"test-{kind.lower()}-key")
    workspace = cli_env / "work"
    (workspace / "README.md").write_text("# Helo world\n")
    (cli_env / "data").mkdir()
    with SessionStore(cli_env / "data" / DB_FILENAME) as store:
        session_id = store.create_session()
        store.append(session_id, recording())
    return workspace, session_id


def queue_target(api: FakeAPI, kind: str) -> None:
    edit = {"path": "README.md", "old_text": "Helo", "new_text": "Hello"}
    tests = {"command": "pytest -q"}
    if kind == "openai":
        api.queue_openai_tool_calls(
            [("call_1", "edit_file", edit)], usage={"prompt_tokens": 900, "completion_tokens": 30}
        )
        api.queue_openai_text("Typo fixed.", usage={"prompt_tokens": 1000, "completion_tokens": 5})
        api.queue_openai_tool_calls(
            [("call_2", "run_command", tests)], usage={"prompt_tokens": 1100, "completion_tokens": 20}
        )
        api.queue_openai_text("No commands.", usage={"prompt_tokens": 1200, "completion_tokens": 8})
    else:
        api.queue_anthropic_tool_use(
            [("toolu_1", "edit_file", edit)], usage={"input_tokens": 900, "output_tokens": 30}
        )
        api.queue_anthropic_text("Typo fixed.", usage={"input_tokens": 1000, "output_tokens": 5})
        api.queue_anthropic_tool_use(
            [("toolu_2", "run_command", tests)], usage={"input_tokens": 1100, "output_tokens": 20}
        )
        api.queue_anthropic_text("No commands.", usage={"input_tokens": 1200, "output_tokens": 8})


def compare(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = cli.main(["compare", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_json_has_the_recording_then_each_target(
    setup: tuple[Path, str], fake_api: FakeAPI, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    workspace, session_id = setup
    queue_target(fake_api, kind)
    code, out, err = compare(capsys, "last", "--against", f"{kind}:{TARGETS[kind]}", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"session", "runs"} and data["session"] == session_id
    recorded, target = data["runs"]
    turn_keys = {
        "prompt", "provider", "model", "answer", "input_tokens", "output_tokens", "cache_read_tokens",
        "cache_write_tokens", "cost_usd", "estimated", "seconds", "tool_calls", "error",
    }  # fmt: skip
    for run in data["runs"]:
        assert set(run) == {"provider", "model", "models", "total_cost_usd", "turns"}
        assert run["models"] == [f"{run['provider']}:{run['model']}"]
        assert all(set(turn) == turn_keys for turn in run["turns"])
        calls = [call for turn in run["turns"] for call in turn["tool_calls"]]
        call_keys = {"name", "arguments", "status", "cost_usd", "context_cost_usd"}
        assert all(set(call) == call_keys for call in calls)

    # runs[0]: the stored figures, nothing re-run.
    assert (recorded["provider"], recorded["model"]) == RECORDED
    assert recorded["total_cost_usd"] == pytest.approx(0.0150)
    first = recorded["turns"][0]
    assert (first["prompt"], first["answer"]) == ("Fix the typo in README.md", "Fixed the typo.\nDone.")
    assert (first["input_tokens"], first["output_tokens"], first["seconds"]) == (2100, 50, 4.0)
    assert first["tool_calls"][0]["cost_usd"] == 0.0040 and first["tool_calls"][0]["name"] == "edit_file"

    # The target: the same prompts, in order, in its own conversation.
    assert (target["provider"], target["model"]) == (kind, TARGETS[kind])
    one, two = target["turns"]
    assert [one["prompt"], two["prompt"]] == ["Fix the typo in README.md", "Run the tests"]
    assert (one["input_tokens"], one["output_tokens"]) == (1900, 35)
    cost_first = price_usage(kind, TARGETS[kind], {"input_tokens": 900, "output_tokens": 30})
    assert one["tool_calls"][0]["cost_usd"] == pytest.approx(cost_first)
    assert one["tool_calls"][0]["context_cost_usd"] > 0
    assert two["tool_calls"][0]["name"] == "run_command"
    assert target["total_cost_usd"] == pytest.approx(sum(t["cost_usd"] for t in target["turns"]))
    # The edit went to a scratch copy; the command was denied.
    assert (workspace / "README.md").read_text() == "# Helo world\n"
    path = "/v1/chat/completions" if kind == "openai" else "/v1/messages"
    assert "commands are not run in a comparison" in json.dumps(fake_api.requests_to(path)[-1].body)
    assert "turn 2 of 2" in err


def test_table_shows_turns_side_by_side_with_totals(
    setup: tuple[Path, str], fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    _, session_id = setup
    queue_target(fake_api, "openai")
    code, out, _ = compare(capsys, session_id[:8], "--against", "openai:gpt-4o")
    assert code == 0
    lines = out.splitlines()
    assert "anthropic:claude-sonnet-4-6" in lines[3] and "openai:gpt-4o" in lines[3]
    assert "Turn 1: Fix the typo in README.md" in lines and "Turn 2: Run the tests" in lines
    answer = next(line for line in lines if line.startswith("answer"))
    assert "Fixed the typo." in answer and "Typo fixed." in answer
    total = next(line for line in lines if line.startswith("total cost"))
    assert usd(0.0150) in total


def test_bad_target_and_unknown_session_are_clear(
    setup: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = compare(capsys, "last", "--against", ":gpt-4o")
    assert code == 2 and "PROVIDER[:MODEL]" in err
    code, _, err = compare(capsys, "nosuchsession", "--against", "openai")
    assert code == 1 and "nosuchsession" in err
    code, _, err = compare(capsys, "last", "--against", "nosuchprovider")
    assert code == 2 and "nosuchprovider" in err


def test_allow_commands_runs_them_in_the_scratch_copy(
    setup: tuple[Path, str], fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace, _ = setup
    fake_api.queue_openai_text("Nothing to fix.", usage={"prompt_tokens": 900, "completion_tokens": 5})
    fake_api.queue_openai_tool_calls(
        [("call_9", "run_command", {"command": "ls > listing.txt && cat listing.txt"})],
        usage={"prompt_tokens": 1100, "completion_tokens": 20},
    )
    fake_api.queue_openai_text("Listed.", usage={"prompt_tokens": 1200, "completion_tokens": 3})
    code, _, err = compare(capsys, "last", "--against", "openai:gpt-4o", "--allow-commands")
    assert code == 0, err
    assert "README.md" in json.dumps(fake_api.requests_to("/v1/chat/completions")[-1].body)  # it ran
    assert not (workspace / "listing.txt").exists()  # in the copy, not in the user's workspace


def test_a_gemini_target_runs_the_same_prompts(
    setup: tuple[Path, str],
    fake_api: FakeAPI,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fakeapi_gemini import usage as gemini_usage

    workspace, _session_id = setup
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake_api.gemini_base_url)
    monkeypatch.setenv("GEMINI_API_KEY", "test-gemini-key")
    edit = {"path": "README.md", "old_text": "Helo", "new_text": "Hello"}
    fake_api.queue_gemini(calls=[{"name": "edit_file", "args": edit}], usage_meta=gemini_usage(900, 30))
    fake_api.queue_gemini("Typo fixed.", usage_meta=gemini_usage(1000, 5))
    fake_api.queue_gemini("Tests not run.", usage_meta=gemini_usage(1200, 8))
    code, out, err = compare(capsys, "last", "--against", "gemini:gemini-2.5-flash", "--format", "json")
    assert code == 0, err
    _recorded, target = json.loads(out)["runs"]
    assert (target["provider"], target["model"]) == ("gemini", "gemini-2.5-flash")
    one, two = target["turns"]
    assert [one["prompt"], two["prompt"]] == ["Fix the typo in README.md", "Run the tests"]
    assert (one["input_tokens"], one["output_tokens"]) == (1900, 35)
    assert one["tool_calls"][0]["name"] == "edit_file" and one["tool_calls"][0]["cost_usd"] > 0
    assert two["answer"] == "Tests not run."
    assert target["total_cost_usd"] == pytest.approx(sum(t["cost_usd"] for t in target["turns"]))
    assert (workspace / "README.md").read_text() == "# Helo world\n"  # the edit went to a scratch copy
