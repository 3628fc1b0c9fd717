"""Retries, failover and the budget on the real ``FluxApp`` against the fake API: retry notices reach
the chat, failover switches the app's provider, ``/retry`` and ``/budget`` drive the turn service.

These tests call the app's command methods directly (the slash-command table routes to them).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

from flux_tui.core import pricing
from flux_tui.core.config import load_config
from flux_tui.core.failover import ReliableStep
from flux_tui.services.turns import NOTHING_TO_RETRY
from flux_tui.ui.app import FluxApp
from flux_tui.ui.widgets.chat_items import NoticeLine

_PREFIXES = ("FLUX_", "ANTHROPIC_", "OPENAI_")


@pytest.fixture
def app_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_api: FakeAPI
) -> Iterator[Callable[..., Any]]:
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "cfg").mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("FLUX_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("FLUX_DATA_DIR", str(tmp_path / "data"))

    def build(**overrides: Any) -> tuple[FluxApp, ReliableStep]:
        config, problems = load_config(
            anthropic_base_url=fake_api.anthropic_base_url,
            openai_base_url=fake_api.openai_base_url,
            anthropic_api_key="test-anthropic-key",
            openai_api_key="test-openai-key",
            **overrides,
        )
        app = FluxApp(config, problems=problems, workspace=work)
        step = app.turns.step
        assert step is not None
        step.sleep = _no_sleep
        return app, step

    yield build
    pricing.clear_overrides()


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


def notices(app: FluxApp) -> list[str]:
    return [line.text for line in app.conversation.chat.query(NoticeLine)]


async def settle(pilot: Any, app: FluxApp) -> None:
    for _ in range(500):
        if not app.turn_running:
            break
        await asyncio.sleep(0.02)
    await app.wait_for_turn()
    await pilot.pause()


async def test_retry_notice_and_failover_reach_the_app(
    app_factory: Callable[..., Any], fake_api: FakeAPI
) -> None:
    app, _step = app_factory(max_retries=1, fallback=["openai:gpt-4o"])
    async with app.run_test(size=(140, 40)) as pilot:
        fake_api.queue_error("anthropic", 429, retry_after=0)
        fake_api.queue_error("anthropic", 529)
        fake_api.queue_openai_text("from the fallback")
        app.send_prompt("hello")
        await settle(pilot, app)
        shown = notices(app)
        assert "rate limited by anthropic, retrying in 0 s (attempt 2 of 2)" in shown
        assert "anthropic is overloaded; switching to openai:gpt-4o" in shown
        assert (app.agent.provider.name, app.agent.provider.model) == ("openai", "gpt-4o")
        assert app.transcript.messages[-1].text == "from the fallback"
        body = fake_api.last_request("/v1/chat/completions").body
        assert [m["content"] for m in body["messages"] if m["role"] == "user"] == ["hello"]


async def test_retry_command_after_a_cut_answer(app_factory: Callable[..., Any], fake_api: FakeAPI) -> None:
    app, _step = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        assert not app.action_retry()
        assert notices(app)[-1] == NOTHING_TO_RETRY
        fake_api.queue_anthropic_text("one two three four", cut_after=2)
        app.send_prompt("count")
        await settle(pilot, app)
        assert app.transcript.messages[-1].incomplete
        fake_api.queue_anthropic_text("one two three four")
        assert app.action_retry()
        await settle(pilot, app)
        assert [(m.role, m.text) for m in app.transcript.messages] == [
            ("user", "count"),
            ("assistant", "one two three four"),
        ]
        body = fake_api.last_request("/v1/messages").body
        assert [m["role"] for m in body["messages"]] == ["user"]


async def test_budget_command_and_prompt_cleaning(app_factory: Callable[..., Any]) -> None:
    app, _step = app_factory(budget_usd=5)
    async with app.run_test(size=(140, 40)) as pilot:
        app.budget_slash("")
        app.budget_slash("2.5")
        app.budget_slash("lots")
        await pilot.pause()
        shown = notices(app)
        assert shown[-3:] == [
            "Budget: $0.00 of $5.00 (0%) spent this session.",
            "Budget set to $2.50 ($0.00 spent so far).",
            "not an amount in USD: 'lots' (try /budget 5 or /budget off)",
        ]
        assert app.conversation.sidebar.ledger.budget_usd == 2.5
        assert app.clean_prompt("hi\x00 there\x1b[2J") == "hi there"
        await pilot.pause()
        assert (
            notices(app)[-1]
            == "5 characters of control codes or terminal escapes were removed from the prompt."
        )
