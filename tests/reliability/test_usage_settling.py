"""How the usage of a reply that ended without the provider's final figures is settled.

Against the fake API with the real SDKs: Esc and an overload mid-answer keep the larger of the streamed
estimate and what ``message_start`` told (marked estimated), and a retry after ``message_start`` leaves
the ledger and the provider's own totals in agreement. Anthropic's 1-hour cache writes reach the price.
"""

from __future__ import annotations

import asyncio

import pytest
from rel_support import MakeRig, Rig

from flux_tui.core.agent_events import UsageReported
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.pricing import price_usage

LONG = " ".join(f"word{i}" for i in range(60))
WIRE = {
    "input_tokens": 1200,
    "output_tokens": 400,
    "cache_read_input_tokens": 0,
    "cache_creation_input_tokens": 0,
}


def ledger_of(rig: Rig) -> UsageLedger:
    ledger = UsageLedger()
    for event in rig.events.all:
        ledger.apply(event)
    return ledger


async def wait_for_text(rig: Rig, word: str) -> None:
    for _ in range(2000):
        if word in rig.events.text():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the answer never streamed")


async def test_esc_keeps_the_streamed_estimate_not_the_message_start_placeholder(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic")
    rig.agent.usage_interval = 0.0
    rig.queue_text(LONG, usage=WIRE, stall_after=40, stall_seconds=30)
    task = asyncio.create_task(rig.agent.run_turn("Count"))
    await wait_for_text(rig, "word38")
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    last = rig.events.of(UsageReported)[-1]
    assert last.estimated and last.settled
    assert last.input_tokens == 1200  # message_start's input is kept
    assert last.output_tokens >= 40  # not message_start's placeholder of 1
    (entry,) = ledger_of(rig).entries
    assert entry.estimated and entry.output_tokens == last.output_tokens
    assert ledger_of(rig).session.estimated


async def test_an_overload_mid_answer_keeps_the_streamed_estimate(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic")
    rig.queue_text(LONG, usage=WIRE, error_after=30, error_type="overloaded_error")
    assert await rig.turn("Count") == "error"
    last = rig.events.of(UsageReported)[-1]
    assert last.estimated and last.settled
    assert (last.input_tokens, last.output_tokens >= 30) == (1200, True)
    assert last.cost == pytest.approx(
        price_usage(
            "anthropic", rig.agent.provider.model, {"input_tokens": 1200, "output_tokens": last.output_tokens}
        )
    )


async def test_a_retry_after_message_start_keeps_ledger_and_provider_totals_equal(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic")
    # The first attempt tells its usage in message_start, then the API is overloaded before answering.
    rig.queue_text("never", usage=WIRE, error_after=0, error_type="overloaded_error")
    rig.queue_text("Hello there", usage={**WIRE, "input_tokens": 1300, "output_tokens": 3})
    assert await rig.turn("Hi") == "end_turn"
    assert rig.delays  # it was retried

    provider = rig.agent.provider.get_token_usage()
    session = ledger_of(rig).session
    assert (session.input_tokens, session.output_tokens) == (
        provider["input_tokens"],
        provider["output_tokens"],
    )
    assert session.input_tokens == 1200 + 1300
    assert session.cost == pytest.approx(provider["estimated_cost"])
    assert session.replies == 2


async def test_one_hour_cache_writes_are_priced_at_their_rate(make_rig: MakeRig) -> None:
    rig = make_rig("anthropic")
    wire = {
        **WIRE,
        "cache_creation_input_tokens": 10_000,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 10_000},
    }
    rig.queue_text("cached", usage=wire, start_usage={**wire, "output_tokens": 1})
    assert await rig.turn("Hi") == "end_turn"
    (final,) = [u for u in rig.events.of(UsageReported) if not u.estimated]
    assert (final.cache_write_tokens, final.cache_write_1h_tokens) == (10_000, 10_000)
    model = rig.agent.provider.model
    five_minute = price_usage(
        "anthropic", model, {"input_tokens": 1200, "output_tokens": 400, "cache_write_tokens": 10_000}
    )
    assert five_minute is not None and final.cost is not None and final.cost > five_minute
    assert final.cost == pytest.approx(
        price_usage(
            "anthropic",
            model,
            {
                "input_tokens": 1200,
                "output_tokens": 400,
                "cache_write_tokens": 10_000,
                "cache_write_1h_tokens": 10_000,
            },
        )
    )
    assert rig.agent.provider.get_token_usage()["estimated_cost"] == pytest.approx(final.cost)
