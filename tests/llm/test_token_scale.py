"""Pruning learns from the provider's own count: when a reply's usage says the prompt took more tokens
than estimated (another tokenizer, a language the character estimate undercounts), the next request to
that model is fitted into a room shrunk by that ratio, so it stays inside the window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import collect

from flux_tui.core import pricing
from flux_tui.core.token_scale import MAX_SCALE, MIN_ESTIMATED, TokenScale
from flux_tui.core.transcript import TextBlock, Transcript

WINDOW = 20_000
REPLY = 1_000


@pytest.fixture
def small_window() -> Iterator[None]:
    pricing.set_overrides(models={"small-model": pricing.PriceOverride(context_window=WINDOW)})
    yield
    pricing.clear_overrides()


def _history(turns: int) -> Transcript:
    transcript = Transcript()
    for n in range(turns):
        transcript.add_user_text(f"Frage {n}: " + "Straßenbahnhaltestelle " * 50)
        transcript.add_assistant(
            [TextBlock(f"Antwort {n}: " + "Geschwindigkeitsbegrenzung " * 50)],
            provider="anthropic",
            model="small-model",
            stop_reason="end_turn",
        )
    return transcript


def _sent_messages(fake_api: FakeAPI) -> int:
    return len(fake_api.requests_to("/v1/messages")[-1].body["messages"])


@pytest.mark.usefixtures("small_window")
async def test_a_provider_counting_twice_the_estimate_halves_the_next_requests_room(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    provider = make_provider("anthropic", model="small-model", transcript=_history(40), max_tokens=REPLY)
    fake_api.queue_anthropic_text("ok", usage={"input_tokens": 10, "output_tokens": 1})
    told = await collect(provider, "erste Frage")
    first = _sent_messages(fake_api)
    estimate = provider._prepare(None, None)[1].prompt_tokens
    assert estimate is not None and estimate > MIN_ESTIMATED
    # The provider counted twice what was estimated for that prompt (its usage, cache included).
    fake_api.queue_anthropic_text(
        "ok", usage={"input_tokens": estimate, "cache_read_input_tokens": estimate, "output_tokens": 1}
    )
    await collect(provider, "zweite Frage")
    after = provider._prepare(None, None)[1].prompt_tokens
    assert after is not None and after * 2 <= (WINDOW - REPLY)  # twice the estimate fits the room
    fake_api.queue_anthropic_text("ok")
    events = await collect(provider, "dritte Frage")
    third = _sent_messages(fake_api)
    assert third < first * 0.6  # about half as many turns fit now
    # Told once, as the conversation outgrew the window; not again while it stays outgrown.
    assert [e["content"][:9] for e in told if e["type"] == "notice"] == ["Left out "]
    assert not [e for e in events if e["type"] == "notice"]


@pytest.mark.usefixtures("small_window")
async def test_a_provider_counting_less_than_the_estimate_leaves_the_room_as_it_was(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    provider = make_provider("anthropic", model="small-model", transcript=_history(40), max_tokens=REPLY)
    fake_api.queue_anthropic_text("ok", usage={"input_tokens": 10, "output_tokens": 1})
    await collect(provider, "erste Frage")
    first = _sent_messages(fake_api)
    fake_api.queue_anthropic_text("ok")
    await collect(provider, "zweite Frage")
    assert _sent_messages(fake_api) >= first  # the room is the same: one more turn in, about one out


def test_the_scale_is_the_last_shortfall_of_a_large_enough_prompt_per_model() -> None:
    scale = TokenScale()
    assert scale.factor("m") == 1.0
    scale.observe("m", MIN_ESTIMATED - 1, 10 * MIN_ESTIMATED)  # a small prompt says nothing
    assert scale.factor("m") == 1.0
    scale.observe("m", 10_000, 13_000)
    assert scale.factor("m") == pytest.approx(1.3)
    assert scale.factor("other") == 1.0
    scale.observe("m", 10_000, 1_000_000)
    assert scale.factor("m") == MAX_SCALE
    scale.observe("m", 10_000, 9_000)  # counted less: no shrinking, and the last shortfall is over
    assert scale.factor("m") == 1.0
