"""``flux-tui compare`` sends each target the conversation the recording had: the history cleared
where the recording cleared it, prompts that never reached a provider left out, and a recording that
switched models labelled with each turn's model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

from flux_tui import cli
from flux_tui.core.agent_events import (
    AgentEvent,
    HistoryCleared,
    PromptUnanswered,
    ProviderSwitched,
    TextDelta,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.sessions import SessionStore
from flux_tui.sessions.commands import DB_FILENAME

T0 = 1_700_000_000.0
CHAT = "/v1/chat/completions"


def answered(
    n: int, prompt: str, provider: str = "anthropic", model: str = "claude-sonnet-4-6"
) -> list[AgentEvent]:
    ts = T0 + 10 * n
    return [
        TurnStarted(ts=ts, turn_id=f"t{n}", prompt=prompt, provider=provider, model=model),
        TextDelta(ts=ts + 1, text=f"answer {n}"),
        UsageReported(
            ts=ts + 1, provider=provider, model=model, input_tokens=100, output_tokens=5, cost=0.001
        ),
        TurnFinished(ts=ts + 2, stop_reason="end_turn"),
    ]


def record(
    cli_env: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch, events: list[AgentEvent]
) -> None:
    for kind, base in (("OPENAI", fake_api.openai_base_url), ("ANTHROPIC", fake_api.anthropic_base_url)):
        monkeypatch.setenv(f"{kind}_BASE_URL", base)
        monkeypatch.setenv(f"{kind}_API_KEY", f"test-{kind.lower()}-key")
    (cli_env / "data").mkdir()
    with SessionStore(cli_env / "data" / DB_FILENAME) as store:
        store.append(store.create_session(), events)


def compare(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["compare", "last", "--against", "openai:gpt-4o", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def user_texts(request: Any) -> list[str]:
    return [m["content"] for m in request.body["messages"] if m["role"] == "user"]


def test_the_history_is_cleared_where_the_recording_cleared_it(
    cli_env: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [*answered(1, "alpha"), HistoryCleared(ts=T0 + 5), *answered(2, "beta"), *answered(3, "gamma")]
    record(cli_env, fake_api, monkeypatch, events)
    for n in (1, 2, 3):
        fake_api.queue_openai_text(f"target {n}", usage={"prompt_tokens": 10, "completion_tokens": 2})
    code, out, err = compare(capsys)
    assert code == 0, err
    first, second, third = fake_api.requests_to(CHAT)
    assert user_texts(first) == ["alpha"]
    assert user_texts(second) == ["beta"]  # nothing from before the clear
    assert user_texts(third) == ["beta", "gamma"]  # and the conversation goes on after it
    assert "Turn 3: gamma" in out


def test_a_prompt_that_was_never_sent_is_left_out(
    cli_env: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    p, m = "anthropic", "claude-sonnet-4-6"
    refused = [
        TurnStarted(ts=T0, turn_id="t0", prompt="blocked prompt", provider=p, model=m),
        PromptUnanswered(ts=T0, prompt="blocked prompt", reason="session budget reached", sent=False),
        TurnFailed(ts=T0, error="session budget reached: $0.00 spent of $0.00", error_type="BudgetExceeded"),
    ]
    record(cli_env, fake_api, monkeypatch, [*refused, *answered(1, "allowed prompt")])
    fake_api.queue_openai_text("target", usage={"prompt_tokens": 10, "completion_tokens": 2})
    code, out, err = compare(capsys, "--format", "json")
    assert code == 0, err
    (request,) = fake_api.requests_to(CHAT)
    assert user_texts(request) == ["allowed prompt"]
    recording, target = json.loads(out)["runs"]
    assert [t["prompt"] for t in recording["turns"]] == ["allowed prompt"]
    assert [t["prompt"] for t in target["turns"]] == ["allowed prompt"]
    assert "“blocked prompt” was never sent in the recording" in err


def test_a_recording_on_two_models_says_which_turn_ran_on_which(
    cli_env: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    switch = ProviderSwitched(
        ts=T0 + 5, provider="openai", model="gpt-4o", previous_provider="anthropic",
        previous_model="claude-sonnet-4-6",
    )  # fmt: skip
    record(
        cli_env,
        fake_api,
        monkeypatch,
        [*answered(1, "first"), switch, *answered(2, "second", "openai", "gpt-4o")],
    )
    for n in (1, 2, 3, 4):
        fake_api.queue_openai_text(f"target {n}", usage={"prompt_tokens": 10, "completion_tokens": 2})
    code, out, err = compare(capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert "mixed (2 models)" in lines[3]
    models = [line for line in lines if line.startswith("model")]
    assert "anthropic:claude-sonnet-4-6" in models[0] and "openai:gpt-4o" in models[1]
    code, out, err = compare(capsys, "--format", "json")
    recording, target = json.loads(out)["runs"]
    assert (recording["provider"], recording["model"]) == (None, None)
    assert recording["models"] == ["anthropic:claude-sonnet-4-6", "openai:gpt-4o"]
    assert [(t["provider"], t["model"]) for t in recording["turns"]] == [
        ("anthropic", "claude-sonnet-4-6"),
        ("openai", "gpt-4o"),
    ]
    assert (target["provider"], target["model"], target["models"]) == ("openai", "gpt-4o", ["openai:gpt-4o"])
