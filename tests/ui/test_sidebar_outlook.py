"""Beside the context gauge: what the cache has saved at list price, and the projected input cost of the
next request."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from test_inspector_sidebar_sidebar import SONNET, SidebarHost, _text, _turn
from ui_pilot import SIZE, run_command, send, wait_until

from flux_tui.core import pricing
from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import TurnFinished, UsageReported
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.money import usd
from flux_tui.core.outlook import cache_savings, next_input_cost
from flux_tui.ui.widgets.cost_sidebar import CostSidebar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "agent"))
from agent_doubles import Recorder, ScriptedProvider, done, text, usage

READ = 10_000


async def reported_usage() -> UsageReported:
    """A real turn's final usage: 2,000 fresh input tokens, 10,000 read from the cache, 500 out."""
    wire = {**usage(2_000, 500, cache_read_tokens=READ), "provider": SONNET[0], "model": SONNET[1]}
    provider = ScriptedProvider([[text("hi"), wire, done()]], name=SONNET[0], model=SONNET[1])
    provider.kind = "anthropic"
    recorder = Recorder()
    await Agent(provider, sinks=[recorder]).run_turn("hi")
    (final,) = [u for u in recorder.events if isinstance(u, UsageReported) and not u.estimated]
    return final


async def test_cache_savings_and_next_input_cost() -> None:
    final = await reported_usage()
    # claude-sonnet-4-6: $3 per million input, $0.30 per million cache reads.
    assert final.cache_saved == pytest.approx(READ * (3.0 - 0.3) / 1e6)
    assert final.input_cost == pytest.approx((2_000 * 3.0 + READ * 0.3) / 1e6)
    ledger = UsageLedger()
    ledger.apply(_turn(SONNET))
    ledger.apply(final)
    assert cache_savings(ledger) == pytest.approx(final.cache_saved)
    per_token = final.input_cost / 12_000
    assert next_input_cost(ledger, SONNET, None) == pytest.approx(per_token * 12_500)

    app = SidebarHost([_turn(SONNET), final, TurnFinished(stop_reason="end_turn")])
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        context = " ".join(_text(app.query_one(CostSidebar), "context").split())
        saved, projected = usd(final.cache_saved), usd(per_token * 12_500)
        assert f"cache saved {saved} next input ~{projected}" in context


@pytest.fixture(autouse=True)
def _no_price_overrides() -> None:
    pricing.clear_overrides()


@pytest.mark.parametrize(
    ("commands", "per_million"),
    [(["/model claude-opus-4-1"], 15.0), (["/provider openai", "/model gpt-4o"], 2.5)],
)
async def test_next_input_is_priced_for_the_model_switched_to(
    make_app: Any, fake_api: Any, commands: list[str], per_million: float
) -> None:
    # The next request goes to the new model, cache-cold: its list price for input, not the last
    # request's rate.
    fake_api.queue_anthropic_text("hello", usage={"input_tokens": 20_000, "output_tokens": 400})
    app = make_app(model="claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "hi")
        sidebar = app.conversation.sidebar
        before = f"next input ~{usd(20_400 * 3.0 / 1e6)}"
        await wait_until(pilot, lambda: before in " ".join(_text(sidebar, "context").split()))
        for command in commands:
            await run_command(pilot, app, command)
        after = f"next input ~{usd(20_400 * per_million / 1e6)}"
        await wait_until(pilot, lambda: after in " ".join(_text(sidebar, "context").split()))


# One answer on claude-sonnet-4-5 ($3 per million input, $0.30 cache reads): 18,000 tokens read from
# the cache, and what that saved.
CACHED = {"input_tokens": 2_000, "output_tokens": 400, "cache_read_input_tokens": 18_000}
SAVED = f"cache saved {usd(18_000 * (3.0 - 0.3) / 1e6)}"


def context_of(app: Any) -> str:
    return " ".join(_text(app.conversation.sidebar, "context").split())


@pytest.mark.parametrize(
    ("command", "shown"),
    [("/clear", "░"), ("/model a-model-nobody-prices", "used (window unknown)")],
)
async def test_the_cache_saved_stays(make_app: Any, fake_api: Any, command: str, shown: str) -> None:
    # After /clear the next request carries nothing from before: the gauge is empty and the next
    # input is not projected from the old conversation. Beside a model of unknown window there is no
    # gauge. Either way, what the cache saved is the session's, and stays.
    fake_api.queue_anthropic_text("hello", usage=CACHED)
    app = make_app(model="claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "hi")
        await wait_until(pilot, lambda: SAVED in context_of(app) and "next input ~" in context_of(app))
        await run_command(pilot, app, command)
        await wait_until(pilot, lambda: shown in context_of(app))
        await pilot.pause(0.2)
        assert SAVED in context_of(app)
        if command == "/clear":
            assert "0 / 200k" in context_of(app) and "next input" not in context_of(app)
            assert app.conversation.sidebar.context_used == 0
