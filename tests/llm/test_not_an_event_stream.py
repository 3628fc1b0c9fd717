"""A 200 whose body is not an event stream, and a base URL that is no URL: clear errors, not retried
(asking again gets the same page; the configuration has to change)."""

from __future__ import annotations

from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import KEYS, collect

from flux_tui.core.agent import Agent
from flux_tui.core.errors import ProviderError
from flux_tui.core.failover import ReliableStep
from flux_tui.core.retry import RetryPolicy

ENDPOINTS = {"anthropic": "/v1/messages", "openai": "/v1/chat/completions"}
HTML = b"<html><head><title>Welcome to nginx!</title></head><body>It works.</body></html>"


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_an_html_page_is_not_an_event_stream(
    fake_api: FakeAPI, make_provider: Any, kind: str
) -> None:
    fake_api.queue_raw(kind, HTML, content_type="text/html; charset=utf-8")
    provider = make_provider(kind)
    with pytest.raises(ProviderError) as caught:
        await collect(provider)
    error = caught.value
    assert not error.retryable
    assert "answered with text/html, not an event stream: check the base URL" in str(error)
    assert ENDPOINTS[kind] in str(error)
    assert "nginx" not in str(error)  # markup is not quoted


async def test_a_json_error_page_says_what_the_server_said(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    body = b'{"error": {"message": "This gateway needs a login", "type": "auth"}}'
    fake_api.queue_raw("openai", body, content_type="application/json")
    with pytest.raises(ProviderError) as caught:
        await collect(make_provider("openai"))
    assert "answered with application/json, not an event stream" in str(caught.value)
    assert "This gateway needs a login" in str(caught.value)


async def test_the_key_in_the_url_is_not_shown(fake_api: FakeAPI, make_provider: Any) -> None:
    # Some gateways take the key in the path.
    base = f"{fake_api.openai_base_url}/{KEYS['openai']}"
    fake_api.queue_raw(f"/v1/{KEYS['openai']}/chat/completions", HTML, content_type="text/html")
    with pytest.raises(ProviderError) as caught:
        await collect(make_provider("openai", base_url=base))
    assert "not an event stream" in str(caught.value)
    assert KEYS["openai"] not in str(caught.value)


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_it_is_not_retried(fake_api: FakeAPI, make_provider: Any, kind: str) -> None:
    for _ in range(3):
        fake_api.queue_raw(kind, HTML, content_type="text/html")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    step = ReliableStep(policy=RetryPolicy(max_retries=2), sleep=sleep)
    agent = Agent(make_provider(kind), stream_step=step)
    assert await agent.run_turn("hi") == "error"
    assert len(fake_api.requests_to(ENDPOINTS[kind])) == 1 and slept == []


async def test_a_stream_without_a_content_type_is_still_read(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.queue_openai_text("fine")
    fake_api.queue_raw("openai", b"", content_type="")  # unused: the first answer is read
    events = await collect(make_provider("openai"))
    assert any(e.get("type") == "text" for e in events)


@pytest.mark.parametrize("url", ["localhost:11434/v1", "htp://127.0.0.1:9/v1"])
async def test_a_base_url_that_is_no_url_is_not_retried(make_provider: Any, url: str) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    agent = Agent(
        make_provider("openai", base_url=url),
        stream_step=ReliableStep(policy=RetryPolicy(max_retries=3), sleep=sleep),
    )
    failures: list[str] = []
    agent.subscribe(lambda event: failures.append(getattr(event, "error", "")))
    assert await agent.run_turn("hi") == "error"
    assert slept == []
    assert any("is not a valid URL" in text for text in failures)
