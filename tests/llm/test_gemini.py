"""Gemini over the real google-genai SDK against the fake server's Gemini wire."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import KEYS, collect, final_usage, of_type, texts

from flux_tui.core import pricing
from flux_tui.core.errors import AuthenticationError, IncompleteStreamError, OverloadedError, RateLimitError
from flux_tui.core.providers import ProviderSettings
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.llm.base_provider import BaseLLMProvider
from flux_tui.llm.gemini_provider import GeminiProvider
from flux_tui.llm.provider_factory import create_provider

GEMINI_KEY = "AIzaSy-test-gemini-0123456789abcdef"
TOOLS = [
    {
        "name": "read_file",
        "description": "Read a file",
        "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
    }
]
DEFAULTS = {"gemini": "gemini-2.5-flash", "anthropic": "claude-sonnet-4-6"}
SIGNATURE = "CiQBcsjafD+/9ZYJx3X0uvE5nGH1m2u0=="  # standard base64: the SDK's typed path would re-encode it


@pytest.fixture
async def make(fake_api: FakeAPI) -> AsyncIterator[Any]:
    made: list[BaseLLMProvider] = []

    def build(kind: str = "gemini", model: str | None = None, transcript: Transcript | None = None) -> Any:
        base = {"gemini": fake_api.gemini_base_url, "anthropic": fake_api.anthropic_base_url}
        settings = ProviderSettings(
            name=kind,
            kind=kind,
            model=model or DEFAULTS.get(kind, "gpt-4o"),
            api_key=GEMINI_KEY if kind == "gemini" else KEYS[kind],
            base_url=base.get(kind, fake_api.openai_base_url),
        )
        provider = create_provider(settings, transcript)
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


def _stream_requests(fake_api: FakeAPI) -> list[Any]:
    return fake_api.requests_to(":streamGenerateContent")


async def test_text_thinking_and_usage_priced_as_google(fake_api: FakeAPI, make: Any) -> None:
    pricing.clear_overrides()
    provider = make()
    usage = {
        "promptTokenCount": 1200,
        "candidatesTokenCount": 40,
        "cachedContentTokenCount": 1000,
        "thoughtsTokenCount": 60,
        "totalTokenCount": 1300,
    }
    fake_api.queue_gemini("Hello from Gemini", thinking="Thinking it over", usage_meta=usage)
    events = await collect(provider, "hi", system_prompt="be brief")
    assert texts(events) == "Hello from Gemini"
    assert texts(events, "thinking") == "Thinking it over"
    assert final_usage(events) == {
        "provider": "gemini",
        "model": "gemini-2.5-flash",
        "input_tokens": 200,
        "output_tokens": 100,
        "cache_read_tokens": 1000,
        "cache_write_tokens": 0,
        "reasoning_tokens": 60,
    }
    assert events[-1] == {"type": "done", "stop_reason": "end_turn"}
    request = fake_api.last_request(":streamGenerateContent")
    assert request.path == "/v1/models/gemini-2.5-flash:streamGenerateContent"
    assert request.headers["x-goog-api-key"] == GEMINI_KEY
    assert request.body["systemInstruction"] == {"parts": [{"text": "be brief"}]}
    assert request.body["contents"] == [{"role": "user", "parts": [{"text": "hi"}]}]
    cost = provider.get_token_usage()["estimated_cost"]
    assert cost is not None and cost > 0  # genai-prices' provider "google"
    answer = provider.transcript.messages[-1]
    assert (answer.provider, answer.model, answer.text) == ("gemini", "gemini-2.5-flash", "Hello from Gemini")


async def test_whole_calls_signature_sent_back_unchanged_and_results(fake_api: FakeAPI, make: Any) -> None:
    provider = make()
    calls = [
        {"name": "read_file", "args": {"path": "a.py"}, "signature": SIGNATURE},
        {"name": "read_file", "args": {"path": "b.py"}},
    ]
    fake_api.queue_gemini("Reading both.", calls=calls)
    events = await collect(provider, "read a and b", tools=TOOLS)
    uses = of_type(events, "tool_use")
    assert [u["input"] for u in uses] == [{"path": "a.py"}, {"path": "b.py"}]
    assert len({u["id"] for u in uses}) == 2
    assert events[-1] == {"type": "done", "stop_reason": "tool_use"}
    request = fake_api.last_request(":streamGenerateContent").body
    assert request["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"] == TOOLS[0]["input_schema"]
    provider.add_tool_result(uses[0]["id"], "print('a')")
    provider.add_tool_result(uses[1]["id"], "no such file", is_error=True)
    fake_api.queue_gemini("Done.")
    await collect(provider, None, tools=TOOLS)
    contents = fake_api.last_request(":streamGenerateContent").body["contents"]
    model_turn = contents[1]
    assert model_turn["role"] == "model"
    first, second = model_turn["parts"][1], model_turn["parts"][2]
    assert first["thoughtSignature"] == SIGNATURE  # byte for byte, on the call it came with
    assert first["functionCall"]["name"] == "read_file" and "thoughtSignature" not in second
    results = [p["functionResponse"] for p in contents[2]["parts"]]
    assert results[0]["name"] == "read_file" and results[0]["response"] == {"result": "print('a')"}
    assert results[1]["response"] == {"error": "no such file"}
    assert [r["id"] for r in results] == [u["id"] for u in uses]


async def test_calls_from_another_provider_get_the_placeholder_on_gemini_3(
    fake_api: FakeAPI, make: Any
) -> None:
    transcript = Transcript()
    openai = make("openai", transcript=transcript)
    fake_api.queue_openai_tool_calls([("call_1", "read_file", {"path": "a.py"})])
    await collect(openai, "read a", tools=TOOLS)
    openai.add_tool_result("call_1", "print('a')")
    gemini = make(model="gemini-3-pro-preview", transcript=transcript)
    fake_api.queue_gemini("It prints a.")
    events = await collect(gemini, None, tools=TOOLS)
    assert texts(events) == "It prints a."
    call_part = fake_api.last_request(":streamGenerateContent").body["contents"][1]["parts"][0]
    assert call_part["functionCall"] == {"name": "read_file", "args": {"path": "a.py"}, "id": "call_1"}
    assert call_part["thoughtSignature"] == "skip_thought_signature_validator"


@pytest.mark.parametrize("back_to", ["anthropic", "openai"])
async def test_switching_keeps_the_whole_history_both_ways(
    fake_api: FakeAPI, make: Any, back_to: str
) -> None:
    transcript = Transcript()
    gemini = make(transcript=transcript)
    fake_api.queue_gemini(calls=[{"name": "read_file", "args": {"path": "a.py"}, "signature": SIGNATURE}])
    await collect(gemini, "read a", tools=TOOLS)
    call_id = transcript.messages[-1].tool_calls[0].id
    gemini.add_tool_result(call_id, "print('a')")
    other = make(back_to, transcript=transcript)
    if back_to == "anthropic":
        fake_api.queue_anthropic_tool_use([("toolu_2", "read_file", {"path": "b.py"})])
    else:
        fake_api.queue_openai_tool_calls([("call_2", "read_file", {"path": "b.py"})])
    await collect(other, None, tools=TOOLS)
    other_id = transcript.messages[-1].tool_calls[0].id
    other.add_tool_result(other_id, "print('b')")
    sent = fake_api.last_request(back_to).raw.decode()
    assert call_id in sent and "print('a')" in sent and SIGNATURE not in sent
    fake_api.queue_gemini("Both print.")
    await collect(gemini, None, tools=TOOLS)
    contents = fake_api.last_request(":streamGenerateContent").body["contents"]
    calls = [p["functionCall"] for c in contents for p in c["parts"] if "functionCall" in p]
    results = [p["functionResponse"] for c in contents for p in c["parts"] if "functionResponse" in p]
    assert [c["args"]["path"] for c in calls] == ["a.py", "b.py"]
    assert [r["response"]["result"] for r in results] == ["print('a')", "print('b')"]
    assert [r["id"] for r in results] == [c["id"] for c in calls]
    assert contents[1]["parts"][0]["thoughtSignature"] == SIGNATURE


async def test_models_are_listed_from_the_endpoint(fake_api: FakeAPI, make: Any) -> None:
    fake_api.gemini_models = ["gemini-2.5-flash", "gemini-x"]
    assert await make().list_models() == ["gemini-2.5-flash", "gemini-x"]  # embeddings left out


@pytest.mark.parametrize(
    ("status", "message", "details", "error", "text"),
    [
        (
            400,
            "API key not valid. Please pass a valid API key.",
            [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}],
            AuthenticationError,
            "invalid key for gemini (GEMINI_API_KEY)",
        ),
        (403, "Permission denied", None, AuthenticationError, "403 permission denied"),
        (
            429,
            "Resource has been exhausted (e.g. check quota).",
            [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}],
            RateLimitError,
            "rate limited by gemini (RESOURCE_EXHAUSTED), retry after 37 s",
        ),
        (500, "Internal error", None, OverloadedError, "gemini is overloaded or failing (500 INTERNAL)"),
        (503, "The model is overloaded.", None, OverloadedError, "(503 UNAVAILABLE)"),
    ],
)
async def test_errors_are_mapped(
    fake_api: FakeAPI, make: Any, status: int, message: str, details: Any, error: type, text: str
) -> None:
    provider = make()
    fake_api.queue_gemini(status=status, message=message, details=details)
    with pytest.raises(error) as info:
        await collect(provider, "hi")
    assert text in str(info.value)
    assert GEMINI_KEY not in str(info.value)
    if status == 429:
        assert info.value.retry_after == 37.0
    assert provider.transcript.messages[-1].role == "user"  # nothing half-recorded


async def test_an_error_chunk_mid_answer_keeps_the_partial_text(fake_api: FakeAPI, make: Any) -> None:
    provider = make()
    error = {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}
    fake_api.queue_gemini("Partial answer", error=error)
    with pytest.raises(OverloadedError) as info:
        await collect(provider, "hi")
    assert info.value.partial_text == "Partial answer"
    last = provider.transcript.messages[-1]
    assert last.incomplete and last.text == "Partial answer"


async def test_a_silent_stream_is_detected(fake_api: FakeAPI) -> None:
    settings = ProviderSettings(
        name="gemini",
        kind="gemini",
        model="gemini-2.5-flash",
        api_key=GEMINI_KEY,
        base_url=fake_api.gemini_base_url,
        idle_timeout=0.5,
    )
    provider = create_provider(settings)
    fake_api.queue_gemini("one two three four", stall_after=2, stall_seconds=30)
    with pytest.raises(IncompleteStreamError, match=r"stopped sending for 0\.5 s"):
        await collect(provider, "hi")
    assert provider.transcript.messages[-1].text == "one two"
    await provider.aclose()


def test_the_sdk_is_not_imported_at_startup() -> None:
    code = (
        "import json, sys\n"
        "import flux_tui.cli\n"
        "from flux_tui.core.config import load_config\n"
        "config, _ = load_config()\n"
        "names = config.provider_names()\n"
        "print(json.dumps({'names': names, 'genai': 'google.genai' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    found = json.loads(out.stdout)
    assert "gemini" in found["names"] and found["genai"] is False
    assert GeminiProvider.pricing_id == "google"


async def test_a_model_without_a_window_in_genai_prices_takes_the_listed_one_and_is_pruned_to_it(
    fake_api: FakeAPI, make: Any
) -> None:
    fake_api.gemini_models = ["gemini-2.5-pro"]
    fake_api.gemini_input_limit = 20_000
    assert pricing.context_window("gemini", "gemini-2.5-pro", provider_name="gemini") is None
    provider = make(model="gemini-2.5-pro")
    assert await provider.list_models() == ["gemini-2.5-pro"]
    assert pricing.context_window("gemini", "gemini-2.5-pro", provider_name="gemini") == 20_000
    assert pricing.context_window("gemini", "gemini-2.5-pro", provider_name="other") is None
    for n in range(40):  # about 40,000 tokens of history: twice what the model takes
        provider.transcript.add_user_text(f"question {n} " + "word " * 400)
        provider.transcript.add_assistant(
            [TextBlock(f"answer {n} " + "word " * 400)],
            provider="gemini",
            model="gemini-2.5-pro",
            stop_reason="end",
        )
    fake_api.queue_gemini("ok")
    await collect(provider, "the last question")
    contents = _stream_requests(fake_api)[-1].body["contents"]
    assert 2 < len(contents) < 81  # the oldest turns left out, the newest kept
    assert "the last question" in json.dumps(contents[-1])
