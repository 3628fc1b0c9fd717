"""Failures from the API, for both providers: typed errors, partial answers kept, no key in messages."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import ANTHROPIC_KEY, KEYS, OPENAI_KEY, collect, of_type, texts

from flux_tui.core.errors import (
    AuthenticationError,
    BadRequestError,
    IncompleteStreamError,
    ModelNotFoundError,
    OverloadedError,
    ProviderConnectionError,
    ProviderError,
    RateLimitError,
)

KINDS = ["anthropic", "openai"]
KEY_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}


def queue_text(api: FakeAPI, kind: str, text: str, **kw: Any) -> None:
    if kind == "anthropic":
        api.queue_anthropic_text(text, **kw)
    else:
        api.queue_openai_text(text, **kw)


def assert_no_key(exc: BaseException) -> None:
    for key in (ANTHROPIC_KEY, OPENAI_KEY):
        assert key not in str(exc)
        assert key[-8:] not in str(exc)


async def failure(provider: Any, message: str | None = "hi") -> ProviderError:
    with pytest.raises(ProviderError) as info:
        await collect(provider, message)
    assert_no_key(info.value)
    return info.value


@pytest.mark.parametrize("kind", KINDS)
async def test_401_names_the_variable_never_the_key(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.require_key = "sk-the-right-key-000000"
    provider = make_provider(kind)
    error = await failure(provider)
    assert isinstance(error, AuthenticationError)
    assert str(error) == f"invalid key for {kind} ({KEY_ENV[kind]})"
    assert error.status_code == 401
    assert not error.retryable
    # the prompt stays in the transcript; no empty assistant message is added
    assert [m.role for m in provider.transcript.messages] == ["user"]
    # with the right key the same provider works
    fake_api.require_key = KEYS[kind]
    queue_text(fake_api, kind, "welcome")
    assert texts(await collect(provider, None)) == "welcome"


async def test_key_env_from_settings_is_named(fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_error("openai", 401)
    provider = make_provider("openai", name="openrouter", api_key_env="OPENROUTER_API_KEY")
    error = await failure(provider)
    assert str(error) == "invalid key for openrouter (OPENROUTER_API_KEY)"


@pytest.mark.parametrize("kind", KINDS)
async def test_403_is_an_authentication_error(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_error(kind, 403)
    error = await failure(make_provider(kind))
    assert isinstance(error, AuthenticationError)
    assert "403" in str(error) and KEY_ENV[kind] in str(error)


@pytest.mark.parametrize("kind", KINDS)
async def test_404_lists_the_models_on_offer(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_error(kind, 404, message="model: nope-1 does not exist")
    fake_api.anthropic_models = ["claude-a", "claude-b"]
    fake_api.openai_models = ["gpt-a"]
    error = await failure(make_provider(kind, model="nope-1"))
    assert isinstance(error, ModelNotFoundError)
    assert "nope-1" in str(error)
    assert error.available == (["claude-a", "claude-b"] if kind == "anthropic" else ["gpt-a"])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"retry-after": "7"}, 7.0), ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5), ({}, None)],
    ids=["seconds", "ms-wins", "none"],
)
async def test_429_carries_retry_after(
    kind: str, headers: dict[str, str], expected: float | None, fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.queue_error(kind, 429, headers=headers, message="slow down")
    provider = make_provider(kind)
    error = await failure(provider)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == expected
    assert error.retryable
    assert "slow down" in str(error)
    # a retry with message=None works on the same transcript and yields a valid request
    queue_text(fake_api, kind, "fine now")
    events = await collect(provider, None)
    assert texts(events) == "fine now"
    assert [m.role for m in provider.transcript.messages] == ["user", "assistant"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [500, 503, 529])
async def test_5xx_and_529_are_overloaded(
    kind: str, status: int, fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.queue_error(kind, status)
    error = await failure(make_provider(kind))
    assert isinstance(error, OverloadedError)
    assert error.status_code == status
    assert error.retryable


@pytest.mark.parametrize("kind", KINDS)
async def test_400_is_a_bad_request_with_the_server_message(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.queue_error(kind, 400, message="messages.1: tool_use ids must be unique")
    error = await failure(make_provider(kind))
    assert isinstance(error, BadRequestError)
    assert "tool_use ids must be unique" in str(error)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_key_the_server_echoes_is_marked_as_everywhere_else(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    # The one mark of the session store, exports and the log, so a search for it finds every place.
    fake_api.queue_error(kind, 400, message=f"key {KEYS[kind]} may not use this model")
    error = await failure(make_provider(kind))
    assert str(error).endswith("key [REDACTED] may not use this model")


async def test_no_scripted_response_is_loud(make_provider: Any) -> None:
    error = await failure(make_provider("anthropic"))
    assert "fake API: no scripted response" in str(error)


async def test_anthropic_error_event_mid_stream_keeps_partial_text(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    provider = make_provider("anthropic")
    fake_api.queue_anthropic_text("one two three four five", error_after=3)
    seen: list[dict[str, Any]] = []
    with pytest.raises(OverloadedError) as info:
        async for event in provider.send_message("go"):
            seen.append(dict(event))
    assert texts(seen) == "one two three"
    assert info.value.partial_text == "one two three"
    assert "overloaded_error" in str(info.value)
    last = provider.transcript.messages[-1]
    assert (last.role, last.incomplete, last.text, last.stop_reason) == (
        "assistant",
        True,
        "one two three",
        None,
    )


async def test_synthetic_error_on_a_real_capture(
    fake_api: FakeAPI, make_provider: Any, wire_dir: Any
) -> None:
    """SYNTHETIC: a real capture cut after two deltas, then the real overloaded payload (see README)."""
    real = (wire_dir / "anthropic_text.sse").read_bytes().split(b"\n\n")
    cut = b"\n\n".join(real[:5]) + b"\n\n"  # message_start, block start, ping, 2 deltas
    payload = b'{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}'
    fake_api.queue_raw("anthropic", cut + b"event: error\ndata: " + payload + b"\n\n")
    provider = make_provider("anthropic")
    with pytest.raises(OverloadedError) as info:
        await collect(provider)
    assert info.value.partial_text == "- Captain"


async def test_openai_error_chunk_mid_stream(fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_openai_text("alpha beta gamma", error_after=2, error_message="The server had an error")
    provider = make_provider("openai")
    error = await failure(provider)
    assert isinstance(error, OverloadedError)
    assert error.partial_text == "alpha beta"
    assert provider.transcript.messages[-1].incomplete


@pytest.mark.parametrize("kind", KINDS)
async def test_cut_connection_is_an_incomplete_stream(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    queue_text(fake_api, kind, "a b c d e f", cut_after=4)
    provider = make_provider(kind)
    error = await failure(provider)
    assert isinstance(error, IncompleteStreamError)
    assert error.partial_text == "a b c d"
    assert error.retryable
    last = provider.transcript.messages[-1]
    assert last.incomplete and last.text == "a b c d"


@pytest.mark.parametrize("kind", KINDS)
async def test_stream_ending_without_stop_reason(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    queue_text(fake_api, kind, "a b c d e f", end_after=2)  # the body ends cleanly, but too early
    provider = make_provider(kind)
    error = await failure(provider)
    assert isinstance(error, IncompleteStreamError)
    assert error.partial_text == "a b"
    assert provider.transcript.messages[-1].incomplete


@pytest.mark.parametrize("kind", KINDS)
async def test_idle_stream_fails_instead_of_hanging(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    queue_text(fake_api, kind, "a b c d", stall_after=2, stall_seconds=60)
    provider = make_provider(kind, idle_timeout=0.5)
    error = await asyncio.wait_for(failure(provider), timeout=30)
    assert isinstance(error, IncompleteStreamError)
    assert "0.5 s" in str(error)
    assert error.partial_text == "a b"


@pytest.mark.parametrize("kind", KINDS)
async def test_no_answer_at_all_is_a_connection_error(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    queue_text(fake_api, kind, "late", first_byte_delay=60)
    provider = make_provider(kind, idle_timeout=0.5)
    error = await asyncio.wait_for(failure(provider), timeout=30)
    assert isinstance(error, ProviderConnectionError)


@pytest.mark.parametrize("kind", KINDS)
async def test_refused_connection(kind: str, make_provider: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    suffix = "/v1" if kind == "openai" else ""
    provider = make_provider(kind, base_url=f"http://127.0.0.1:{port}{suffix}")
    error = await failure(provider)
    assert isinstance(error, ProviderConnectionError)
    assert f"127.0.0.1:{port}" in str(error)
    assert [m.role for m in provider.transcript.messages] == ["user"]


@pytest.mark.parametrize("kind", KINDS)
async def test_malformed_tool_arguments_are_reported_not_raised(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    calls = [("call_bad", "read_file", '{"path": "a.py"'), ("call_list", "list_dir", '["not", "an object"]')]
    if kind == "anthropic":
        fake_api.queue_anthropic_tool_use(calls)
    else:
        fake_api.queue_openai_tool_calls(calls)
    provider = make_provider(kind)
    events = await collect(provider)
    bad, listed = of_type(events, "tool_use")
    assert bad["input"] == {} and "invalid JSON" in bad["input_error"]
    assert listed["input"] == {} and "JSON object" in listed["input_error"]
    stored = provider.transcript.messages[-1].tool_calls
    assert [c.input_error is not None for c in stored] == [True, True]
    assert events[-1] == {"type": "done", "stop_reason": "tool_use"}


@pytest.mark.parametrize("kind", KINDS)
async def test_cancel_keeps_what_streamed(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    queue_text(fake_api, kind, "w1 w2 w3 w4 w5 w6 w7 w8", delay=0.05)
    provider = make_provider(kind)
    seen: list[str] = []

    async def consume() -> None:
        async for event in provider.send_message("go"):
            if event["type"] == "text":
                seen.append(event["content"])
                if len(seen) == 3:
                    stream_task.cancel()

    stream_task = asyncio.ensure_future(consume())
    with pytest.raises(asyncio.CancelledError):
        await stream_task
    last = provider.transcript.messages[-1]
    assert last.incomplete
    assert last.text == "".join(seen) == "w1 w2 w3"


async def test_closing_the_generator_early_commits_incomplete(fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.queue_anthropic_tool_use(
        [("toolu_a", "read_file", {"path": "x"})], text="Reading now", fragment=3
    )
    provider = make_provider("anthropic")
    stream = provider.send_message("go")
    first = await anext(stream)
    while first["type"] != "text":
        first = await anext(stream)
    await stream.aclose()
    last = provider.transcript.messages[-1]
    assert last.incomplete
    assert last.tool_calls == []  # its arguments never completed
