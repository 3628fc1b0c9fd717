"""The request built from what is kept between requests (the turn split, each segment's wire messages)
is the request built from scratch, after any sequence of what a session does to its history: prompts
(blank ones, attachments), answers with thinking and tool calls (repeated and invalid ids, Gemini's
signatures), tool results, edits, forks and retries, a whole history swapped, model switches, a window
that prunes, a token scale, a file context; for every provider, each keeping its own caches while the
others are used (a provider switch hands the same transcript to another)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_tui.core import pricing, pruning
from flux_tui.core.transcript import Message, TextBlock, ThinkingBlock, ToolCall, ToolResult, Transcript
from flux_tui.core.turn_split import TurnSplit, segments_of
from flux_tui.llm import _wire_cache
from flux_tui.llm._history import render_context
from flux_tui.llm._streaming import StreamingProvider, stream_body
from flux_tui.llm.base_provider import ProviderSettings
from flux_tui.llm.provider_factory import create_provider

KINDS = ("anthropic", "openai", "gemini")
MODELS = ("model-a", "gemini-3-b")  # Gemini 3 sends a placeholder signature for calls it did not make
SYSTEM = "You are terse."
TOOLS = [{"name": "read_file", "description": "Read a file", "input_schema": {"type": "object"}}]

texts = st.sampled_from(["", " ", "\n", "hello", "trailing  ", "word " * 60, "lang " * 200, "ü" * 90])
ids = st.sampled_from(["call_0", "call_1", "toolu_01ABC", "x" * 50, "a:b/c", "call 1", "call_0_2"])


@pytest.fixture(autouse=True)
def windows() -> Iterator[None]:
    yield
    pricing.clear_overrides()


def _window(size: int) -> None:
    pricing.set_overrides(models={model: pricing.PriceOverride(context_window=size) for model in MODELS})


def _providers(transcript: Transcript) -> dict[str, StreamingProvider]:
    made = {}
    for kind in KINDS:
        settings = ProviderSettings(
            name=kind, kind=kind, model=MODELS[0], api_key="k", base_url="http://127.0.0.1:9", max_tokens=100
        )
        made[kind] = create_provider(settings, transcript)
    return made


def _from_scratch(provider: StreamingProvider) -> tuple[dict[str, Any], pruning.PruneResult]:
    """The request as built without anything kept: pruning over the whole transcript, the wire module
    over the kept messages."""
    file_context = render_context(provider.transcript.file_context)
    window = pricing.context_window(provider.kind, provider.model, provider_name=provider.name)
    assert window
    result = pruning.prune(
        provider.transcript,
        context_window=window,
        reserve_for_reply=provider.settings.max_tokens,
        system_prompt=SYSTEM,
        tools=TOOLS,
        file_context_text=file_context,
        wait=False,
        scale=provider._token_scale.factor(provider.model),
    )
    return provider._build_request(result.messages, SYSTEM, file_context, TOOLS), result


def _assistant(draw: st.DrawFn) -> Message:
    blocks: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "thinking", "call", "call"]))
        if kind == "text":
            blocks.append(TextBlock(draw(texts)))
        elif kind == "thinking":
            provider = draw(st.sampled_from(["anthropic", "gemini", "openai"]))
            signature = draw(st.sampled_from([None, "SIG_a", "SIG_b"]))
            blocks.append(ThinkingBlock(draw(texts), provider, draw(st.sampled_from(MODELS)), signature))
        else:
            blocks.append(ToolCall(draw(ids), "read_file", {"path": draw(st.sampled_from(["a", "b"]))}))
    return Message("assistant", blocks, provider="p", model=draw(st.sampled_from(MODELS)))


def _step(draw: st.DrawFn, transcript: Transcript, providers: dict[str, StreamingProvider]) -> None:
    messages = transcript.messages
    op = draw(
        st.sampled_from(
            [
                "prompt",
                "prompt",
                "answer",
                "answer",
                "results",
                "close",
                "edit",
                "truncate",
                "swap",
                "model",
                "window",
                "scale",
                "file",
                "append_text",
                "grow_old",
                "retag",
            ]
        )
    )
    if op == "prompt":
        attachment = draw(st.booleans())
        text = draw(texts) + (
            '\n<context>\n<file path="a">\n' + "x = 1\n" * 30 + "</file>\n</context>" if attachment else ""
        )
        transcript.add_user_text(text)
    elif op == "answer":
        messages.append(_assistant(draw))
    elif op == "results":
        pending = transcript.pending_tool_calls()
        if pending:
            for call in draw(st.lists(st.sampled_from(pending), unique_by=id, min_size=1)):
                with contextlib.suppress(ValueError):  # a repeated id is answered once
                    transcript.add_tool_result(call.id, draw(texts), is_error=draw(st.booleans()))
        else:  # a result without a call, next to text (an imported history)
            messages.append(Message("user", [ToolResult(draw(ids), "orphan"), TextBlock(draw(texts))]))
    elif op == "close":
        with contextlib.suppress(ValueError):  # a repeated id is answered once
            transcript.close_pending_tool_calls("interrupted", "stopped")
    elif op == "edit" and messages:
        at = draw(st.integers(0, len(messages) - 1))
        old = messages[at]
        blocks = [TextBlock(draw(texts))] if old.role == "user" else _assistant(draw).blocks
        messages[at] = Message(old.role, blocks, provider=old.provider, model=old.model)
    elif op == "truncate" and messages:  # a fork, a retry, a prompt taken back
        del messages[draw(st.integers(0, len(messages) - 1)) :]
    elif op == "swap":  # a history loaded again: equal messages, other objects
        messages[:] = Transcript.from_dict(transcript.to_dict()).messages
    elif op == "model":
        model = draw(st.sampled_from(MODELS))
        for provider in providers.values():
            provider.model = model
    elif op == "window":
        _window(draw(st.sampled_from([900, 1_500, 3_000, 200_000])))
    elif op == "scale":
        factor = draw(st.sampled_from([1.0, 1.5, 3.0]))
        for provider in providers.values():
            provider._token_scale.observe(provider.model, 2_000, int(2_000 * factor))
    elif op == "file":
        transcript.file_context = draw(st.sampled_from([None, "missing.py"]))
    elif op == "append_text" and messages and messages[-1].role == "user":
        messages[-1].blocks.append(TextBlock(draw(texts)))  # a block added, as results are
    elif op == "grow_old" and messages:  # a block added to any message of a hand-built history
        messages[draw(st.integers(0, len(messages) - 1))].blocks.append(TextBlock(draw(texts)))
    elif op == "retag" and messages:  # a message's role or author changed in place
        message = messages[draw(st.integers(0, len(messages) - 1))]
        message.model = draw(st.sampled_from(MODELS))
        if draw(st.booleans()):
            message.role = "user" if message.role == "assistant" else "assistant"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_incremental_request_is_the_request_built_from_scratch(data: st.DataObject) -> None:
    transcript = Transcript()
    providers = _providers(transcript)
    _window(1_500)
    for _ in range(data.draw(st.integers(1, 40))):
        _step(data.draw, transcript, providers)
        for kind in data.draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True)):
            provider = providers[kind]
            request, pruned = provider._prepare(SYSTEM, TOOLS)
            expected, expected_pruned = _from_scratch(provider)
            assert stream_body(request) == stream_body(expected)
            # The JSON kept with the wire messages is theirs: none was changed after it was encoded.
            assert stream_body(request, provider._wire_cache.encoded) == stream_body(expected)
            assert pruned is not None
            assert (pruned.messages, pruned.dropped_turns, pruned.dropped_tokens, pruned.note) == (
                expected_pruned.messages,
                expected_pruned.dropped_turns,
                expected_pruned.dropped_tokens,
                expected_pruned.note,
            )
            assert (pruned.prompt_tokens, pruned.fits) == (
                expected_pruned.prompt_tokens,
                expected_pruned.fits,
            )


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_kept_split_is_the_split_from_scratch(data: st.DataObject) -> None:
    transcript = Transcript()
    providers = _providers(transcript)
    split = TurnSplit()
    for _ in range(data.draw(st.integers(1, 30))):
        _step(data.draw, transcript, providers)
        kept = split.segments(transcript.messages)
        fresh = segments_of(transcript.messages)
        assert [(s.messages, s.turns) for s in kept] == [(s.messages, s.turns) for s in fresh]


def _exchange(transcript: Transcript, n: int) -> None:
    transcript.add_user_text(f"question {n}")
    if n % 3 == 0:
        call = ToolCall(f"toolu_{n}", "read_file", {"path": "a"})
        transcript.add_assistant([call], provider="anthropic", model="model-a", stop_reason="tool_use")
        transcript.add_tool_result(call.id, "file text " * 20)
    transcript.add_assistant(
        [TextBlock(f"answer {n} " * 40)], provider="anthropic", model="model-a", stop_reason="end_turn"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_request_converts_only_the_turns_new_since_the_last(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    transcript = Transcript()
    provider = _providers(transcript)[kind]
    _window(4_000)  # past about 40 exchanges the oldest turns are left out
    converted: list[int] = []
    convert = _wire_cache.convert

    def counting(segment: Any, wire: Any, model: str) -> Any:
        converted.append(len(segment.messages))
        return convert(segment, wire, model)

    monkeypatch.setattr(_wire_cache, "convert", counting)
    dropped = 0
    for n in range(80):
        _exchange(transcript, n)
        transcript.add_user_text("next")
        converted.clear()
        request, pruned = provider._prepare(SYSTEM, TOOLS)
        assert pruned is not None
        dropped = pruned.dropped_turns
        # The turn finished since the last request and the new prompt's: nothing older.
        assert len(converted) <= 2
        assert stream_body(request, provider._wire_cache.encoded) == stream_body(_from_scratch(provider)[0])
        transcript.messages.pop()  # the prompt is answered as the next exchange
    assert dropped > 0


def test_a_finished_segment_stays_the_same_object() -> None:
    transcript = Transcript()
    split = TurnSplit()
    for n in range(5):
        _exchange(transcript, n)
    first = split.segments(transcript.messages)
    _exchange(transcript, 5)
    second = split.segments(transcript.messages)
    assert all(a is b for a, b in zip(first[:-1], second, strict=False))
    transcript.messages[1] = Message("assistant", [TextBlock("edited")], provider="p", model="m")
    third = split.segments(transcript.messages)
    assert third[0] is not first[0] and third[0].messages[1].text == "edited"
    assert [s.messages for s in third] == [s.messages for s in segments_of(transcript.messages)]


class _CountingChunks(dict[Any, Any]):
    """The wire cache's chunks, counting the segments the join looks at."""

    looked_up = 0

    def get(self, key: Any, default: Any = None) -> Any:
        self.looked_up += 1
        return super().get(key, default)


@pytest.mark.parametrize("kind", KINDS)
def test_a_request_joins_only_the_segments_new_since_the_last(kind: str) -> None:
    transcript = Transcript()
    provider = _providers(transcript)[kind]
    _window(1_000_000)  # nothing is left out: the history only grows
    for n in range(60):
        _exchange(transcript, n)
        transcript.add_user_text("next")
        provider._prepare(SYSTEM, TOOLS)
        cache = provider._wire_cache
        assert cache is not None
        chunks = cache._chunks = _CountingChunks(cache._chunks)
        request, _ = provider._prepare(SYSTEM, TOOLS)  # the same request again: nothing new
        assert chunks.looked_up <= 1  # the last turn's segment, split again for each request
        assert stream_body(request, cache.encoded) == stream_body(_from_scratch(provider)[0])
        transcript.messages.pop()
    chunks.looked_up = 0
    _exchange(transcript, 60)
    transcript.add_user_text("next")
    request, _ = provider._prepare(SYSTEM, TOOLS)
    assert chunks.looked_up <= 2  # the turn finished since the last request, and the new prompt's
    assert stream_body(request, cache.encoded) == stream_body(_from_scratch(provider)[0])
