"""Every real Messages / Chat Completions capture in tests/wire, replayed through the real SDKs.

The expected values are the ones tests/wire/README.md lists for each file. Each capture is sent twice:
whole, and cut into 5-byte HTTP chunks (the SDKs must reassemble lines and multi-byte characters).
The two Responses-API captures are skipped: flux-tui speaks Chat Completions, not Responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakeapi import WIRE_DIR, FakeAPI
from llm_support import collect, final_usage, of_type, texts

from flux_tui.core.transcript import TextBlock, ThinkingBlock


@dataclass
class Expected:
    kind: str
    text: str
    stop: str  # normalised
    wire_stop: str  # what the capture says
    usage: dict[str, int]
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    thinking: str = ""
    signature_prefix: str = ""
    signature_len: int = 0
    start_usage: dict[str, int] | None = None  # Anthropic message_start values
    notices: int = 0


def _u(i: int, o: int, read: int = 0, write: int = 0, reasoning: int = 0) -> dict[str, int]:
    return {
        "input_tokens": i,
        "output_tokens": o,
        "cache_read_tokens": read,
        "cache_write_tokens": write,
        "reasoning_tokens": reasoning,
    }


PELICAN_THINKING = (
    "The user wants two names for a pet pelican, and they want me to be brief. I'll suggest two names "
    "that would suit a pelican well.\n\nSome good options:\n- Pelé (play on pelican)\n- Pouch (referencing "
    "their bill pouch)\n- Captain Beak\n- Squirt\n- Scoop\n- Wing\n\nLet me give two brief, catchy names:"
)
FIXED_VERSION_THINKING = (
    "The user wants me to:\n1. Use the fixed_version tool\n2. Tell them the version\n3. Make a short joke "
    "about it\n\nLet me first call the fixed_version tool to see what version it returns."
)

CAPTURES: dict[str, Expected] = {
    "anthropic_text.sse": Expected(
        "anthropic", "- Captain\n- Scoop", "end_turn", "end_turn", _u(17, 10), start_usage=_u(17, 1)
    ),
    "anthropic_tool_use.sse": Expected(
        "anthropic",
        "I'll check the current weather in Paris for you.",
        "tool_use",
        "tool_use",
        _u(377, 65),  # message_delta only has output_tokens: input is kept from message_start
        calls=[("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather", {"location": "Paris"})],
    ),
    "anthropic_two_tool_uses_no_input.sse": Expected(
        "anthropic",
        "",
        "tool_use",
        "tool_use",
        _u(542, 62),  # start already said 62: replaced, not added
        calls=[
            ("toolu_01LtHJmixrs9NcWQkK8hu8hj", "pelican_name_generator", {}),
            ("toolu_01N8a4jWyf116qKTMqKKmjyt", "pelican_name_generator", {}),
        ],
        start_usage=_u(542, 62),
    ),
    "anthropic_thinking.sse": Expected(
        "anthropic",
        '1. **Pouch** - references their iconic bill pouch\n2. **Pelé** - playful take on "pelican"',
        "end_turn",
        "end_turn",
        _u(46, 133),
        thinking=PELICAN_THINKING,
        signature_prefix="EuYDCmMIDBgCKkC0",
        signature_len=656,
        start_usage=_u(46, 3),
    ),
    "anthropic_thinking_tool_use.sse": Expected(
        "anthropic",
        "",
        "tool_use",
        "tool_use",
        _u(598, 92, reasoning=53),
        calls=[("toolu_01825dXWLSoJwCst1qTsiWdb", "fixed_version", {})],
        thinking=FIXED_VERSION_THINKING,
        signature_prefix="EoQDCm0IDhgCKkCD",
        signature_len=524,
        start_usage=_u(598, 8),
    ),
    "anthropic_server_tool_then_tool_use.sse": Expected(
        "anthropic",
        "Let me search for a tool that can provide current exchange rate information."
        "I found the right tool! Let me fetch the current USD to EUR exchange rate for you.",
        "tool_use",
        "tool_use",
        _u(1591, 175),  # input grows 702 -> 1591 between start and delta: the delta wins
        calls=[
            (
                "toolu_01EFn5wTNBYA8Reni8rbmnHT",
                "get_exchange_rate",
                {"from_currency": "USD", "to_currency": "EUR"},
            )
        ],
        start_usage=_u(702, 1),
        notices=2,  # server_tool_use and tool_search_tool_result are skipped, with a notice each
    ),
    "anthropic_compaction_cache_read.sse": Expected(
        "anthropic",
        "Hello! 👋",
        "end_turn",
        "end_turn",
        # The delta's top-level totals (181/8/0) replace the start's (100/7/55096), but they cover only
        # the final iteration; the billed usage is the sum of ``iterations`` (compaction + message).
        _u(100 + 181, 83 + 8, read=55096),
        start_usage=_u(100, 7, read=55096),
        notices=1,
    ),
    "openai_text_usage.sse": Expected(
        "openai", "The capital of the UK is London.", "end_turn", "stop", _u(78, 9)
    ),
    "openai_tool_call_usage.sse": Expected(
        "openai",
        "",
        "tool_use",
        "tool_calls",
        _u(53, 15),
        calls=[("call_ZR5UUuTt3pf61kjwAJIYdVMj", "get_capital", {"country": "UK"})],
    ),
    "openai_parallel_tool_calls.sse": Expected(
        "openai",
        "",
        "tool_use",
        "tool_calls",
        _u(149, 60),  # no prompt_tokens_details at all: cached counts as 0
        calls=[
            (
                "call_JMW1whyEaYG438VE1OIflxA2",
                "GetWeatherArgs",
                {"city": "Edinburgh", "country": "GB", "units": "c"},
            ),
            ("call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price", {"ticker": "AAPL", "exchange": "NASDAQ"}),
        ],
    ),
    "openai_parallel_tool_calls_empty_args.sse": Expected(
        "openai",
        "",
        "tool_use",
        "tool_calls",
        _u(364, 40),
        calls=[
            ("call_q2UyBRP7eXNTzAoR8lEhjc9Z", "get_country", {}),
            ("call_b51ijcpFkDiTQG1bQzsrmtW5", "get_product_name", {}),
        ],
    ),
    "openai_text_usage_2024.sse": Expected(
        "openai",
        "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, "
        "I recommend checking a reliable weather website or a weather app.",
        "end_turn",
        "stop",
        _u(14, 30),
    ),
    "openai_refusal.sse": Expected(
        "openai", "I'm sorry, I can't assist with that request.", "end_turn", "stop", _u(79, 11)
    ),
}

SKIPPED = {
    "openai_responses_reasoning_text_function_call.sse": "Responses API: flux-tui uses Chat Completions",
    "openai_responses_text.sse": "Responses API: flux-tui uses Chat Completions",
}


def test_every_capture_is_covered() -> None:
    on_disk = {p.name for p in Path(WIRE_DIR).glob("*.sse")}
    assert on_disk == set(CAPTURES) | set(SKIPPED)


@pytest.mark.parametrize("split", [None, 5], ids=["whole", "5-byte-chunks"])
@pytest.mark.parametrize("name", sorted(CAPTURES))
async def test_capture_parses_to_what_the_readme_says(
    name: str, split: int | None, fake_api: FakeAPI, make_provider: Any
) -> None:
    expected = CAPTURES[name]
    provider = make_provider(expected.kind)
    fake_api.queue_capture(expected.kind, name, split_bytes=split)

    events = await collect(provider, "hello")

    assert texts(events) == expected.text
    assert texts(events, "thinking") == expected.thinking
    calls = [(e["id"], e["name"], e["input"]) for e in of_type(events, "tool_use")]
    assert calls == expected.calls
    assert all("input_error" not in e for e in of_type(events, "tool_use"))
    assert events[-1] == {"type": "done", "stop_reason": expected.stop}
    usage = final_usage(events)
    assert usage == {"provider": expected.kind, "model": provider.model, **expected.usage}
    if expected.start_usage is not None:
        first = of_type(events, "usage")[0]
        assert {k: first[k] for k in expected.start_usage} == expected.start_usage
    assert len(of_type(events, "notice")) == expected.notices
    # tool_use events arrive once each, before the end of the stream
    assert [e["type"] for e in events].index("done") == len(events) - 1

    message = provider.transcript.messages[-1]
    assert message.role == "assistant"
    assert not message.incomplete
    assert message.stop_reason == expected.stop
    assert message.text == expected.text
    assert [(c.id, c.name, c.input) for c in message.tool_calls] == expected.calls
    thinking = [b for b in message.blocks if isinstance(b, ThinkingBlock)]
    if expected.thinking:
        assert len(thinking) == 1
        assert thinking[0].text == expected.thinking
        assert thinking[0].signature is not None
        assert thinking[0].signature.startswith(expected.signature_prefix)
        assert len(thinking[0].signature) == expected.signature_len
        assert (thinking[0].provider, thinking[0].model) == ("anthropic", provider.model)
    else:
        assert thinking == []
    assert not any(isinstance(b, TextBlock) and not b.text for b in message.blocks)
    assert provider.get_token_usage()["input_tokens"] == expected.usage["input_tokens"]


async def test_block_order_is_kept(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("anthropic")
    fake_api.queue_capture("anthropic", "anthropic_server_tool_then_tool_use.sse")
    await collect(provider)
    blocks = provider.transcript.messages[-1].blocks
    assert [type(b).__name__ for b in blocks] == ["TextBlock", "TextBlock", "ToolCall"]


async def test_thinking_then_text_order(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("anthropic", model="claude-haiku-4-5-20251001")
    fake_api.queue_capture("anthropic", "anthropic_thinking.sse")
    events = await collect(provider)
    kinds = [e["type"] for e in events if e["type"] in ("thinking", "text")]
    # Deltas that arrive together are joined (the empty sixth thinking delta adds nothing): all the
    # thinking comes first, then all the text, and no event is empty.
    runs = [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] != kind]
    assert runs == ["thinking", "text"]
    assert all(e["content"] for e in events if e["type"] in ("thinking", "text"))
    blocks = provider.transcript.messages[-1].blocks
    assert [type(b).__name__ for b in blocks] == ["ThinkingBlock", "TextBlock"]
