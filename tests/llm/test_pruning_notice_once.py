"""The note that older turns are left out is said once as the conversation outgrows the window, not on
every request after it (a long session would get a line in the chat per exchange), again once it had
stopped, and always when even the current turn may not fit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import collect

from flux_tui.core import pricing
from flux_tui.core.transcript import TextBlock, Transcript


@pytest.fixture
def small_window() -> Iterator[None]:
    pricing.set_overrides(models={"tiny-model": pricing.PriceOverride(context_window=2_000)})
    yield
    pricing.clear_overrides()


def _notices(events: list[dict[str, Any]]) -> list[str]:
    return [e["content"] for e in events if e["type"] == "notice"]


@pytest.mark.usefixtures("small_window")
async def test_left_out_turns_are_told_once_while_the_conversation_stays_too_long(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    transcript = Transcript()
    for n in range(12):
        transcript.add_user_text(f"question {n} " + "words " * 60)
        transcript.add_assistant(
            [TextBlock(f"answer {n} " + "more " * 60)],
            provider="anthropic",
            model="tiny-model",
            stop_reason="end_turn",
        )
    provider = make_provider("anthropic", model="tiny-model", transcript=transcript, max_tokens=500)
    said = []
    for n in range(3):
        fake_api.queue_anthropic_text("ok")
        said.append(_notices(await collect(provider, f"more {n}")))
    assert len(said[0]) == 1 and said[0][0].startswith("Left out ")
    assert said[1:] == [[], []]
    provider.transcript.clear()  # /clear: the conversation fits again
    fake_api.queue_anthropic_text("ok")
    assert _notices(await collect(provider, "short")) == []
    fake_api.queue_anthropic_text("ok")
    too_long = _notices(await collect(provider, "far too long " + "word " * 3_000))
    assert len(too_long) == 1 and "The current turn alone" in too_long[0]  # may not fit: always said
