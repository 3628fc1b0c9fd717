"""The factory and registry, lazy SDK imports, model lists, token usage and cost."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import collect, final_usage

from flux_tui.core import pricing
from flux_tui.core.errors import ConfigError
from flux_tui.core.transcript import TextBlock, Transcript
from flux_tui.llm import provider_factory
from flux_tui.llm.anthropic_provider import AnthropicProvider
from flux_tui.llm.base_provider import ProviderSettings
from flux_tui.llm.openai_provider import OpenAIProvider
from flux_tui.llm.provider_factory import available_kinds, create_provider, register, unregister

# -- factory ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("anthropic", "ANTHROPIC_API_KEY is required for Anthropic provider"),
        ("openai", "OPENAI_API_KEY is required for OpenAI provider"),
    ],
)
def test_missing_key_is_refused_with_the_plans_message(kind: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        create_provider(ProviderSettings(name=kind, kind=kind, model="m"))
    assert str(info.value) == message


def test_named_remote_provider_without_key_names_its_variable() -> None:
    settings = ProviderSettings(
        name="openrouter",
        kind="openai",
        model="m",
        base_url="https://openrouter.ai/api/v1",
        api_key_env="OPENROUTER_API_KEY",
    )
    with pytest.raises(ConfigError) as info:
        create_provider(settings)
    assert str(info.value) == "OPENROUTER_API_KEY is required for provider 'openrouter' (OpenAI)"


async def test_local_openai_compatible_server_needs_no_key(fake_api: FakeAPI) -> None:
    settings = ProviderSettings(
        name="ollama", kind="openai", model="llama3.2", base_url=fake_api.openai_base_url
    )
    provider = create_provider(settings)
    fake_api.queue_openai_text("local hello")
    events = await collect(provider)
    assert events[0]["type"] == "text"
    assert "".join(e["content"] for e in events if e["type"] == "text") == "local hello"
    assert fake_api.last_request("/v1/chat/completions").headers["authorization"] == "Bearer not-needed"
    await provider.aclose()


def test_unknown_kind_lists_the_supported_ones() -> None:
    with pytest.raises(ConfigError) as info:
        create_provider(ProviderSettings(name="x", kind="cohere", model="m", api_key="k"))
    assert str(info.value).startswith("unknown provider kind 'cohere'; supported kinds: anthropic, ")


def test_factory_builds_each_kind_on_a_given_transcript() -> None:
    transcript = Transcript()
    anthropic = create_provider(
        ProviderSettings(name="anthropic", kind="anthropic", model="m", api_key="k"), transcript
    )
    openai = create_provider(
        ProviderSettings(name="openai", kind="openai", model="m", api_key="k"), transcript
    )
    assert isinstance(anthropic, AnthropicProvider) and isinstance(openai, OpenAIProvider)
    assert anthropic.transcript is transcript is openai.transcript
    assert {"anthropic", "openai"} <= set(available_kinds())


def test_a_new_provider_is_one_registry_line() -> None:
    class Echo(OpenAIProvider):
        kind = "echo"
        label = "Echo"
        key_envs = ("ECHO_API_KEY",)

    register("echo", Echo)
    try:
        with pytest.raises(ConfigError, match="ECHO_API_KEY is required"):
            create_provider(ProviderSettings(name="echo", kind="echo", model="m"))
        made = create_provider(ProviderSettings(name="echo", kind="echo", model="m", api_key="k"))
        assert type(made).__name__ == "Echo"
        assert "echo" in available_kinds()
    finally:
        unregister("echo")
        assert "echo" not in provider_factory.available_kinds()


def test_sdks_are_imported_only_when_a_provider_talks() -> None:
    code = textwrap.dedent(
        """
        import json, sys
        import flux_tui.llm, flux_tui.llm.provider_factory as f
        import flux_tui.llm.anthropic_provider, flux_tui.llm.openai_provider
        from flux_tui.llm.base_provider import ProviderSettings
        seen = {"import": [m for m in ("anthropic", "openai") if m in sys.modules]}
        p = f.create_provider(ProviderSettings(name="anthropic", kind="anthropic", model="m", api_key="k"))
        q = f.create_provider(ProviderSettings(name="openai", kind="openai", model="m", api_key="k"))
        p.build_request("sys", None)
        q.build_request("sys", None)
        seen["create"] = [m for m in ("anthropic", "openai") if m in sys.modules]
        p.client
        seen["anthropic_used"] = [m for m in ("anthropic", "openai") if m in sys.modules]
        print(json.dumps(seen))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == {"import": [], "create": [], "anthropic_used": ["anthropic"]}


# -- list_models ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_list_models_from_the_endpoint(kind: str, fake_api: FakeAPI, make_provider: Any) -> None:
    fake_api.anthropic_models = ["claude-x", "claude-y"]
    fake_api.openai_models = ["gpt-x", "local-llm"]
    provider = make_provider(kind, models=["configured"])
    expected = ["claude-x", "claude-y"] if kind == "anthropic" else ["gpt-x", "local-llm"]
    assert await provider.list_models() == expected


async def test_an_endpoint_s_embedding_and_speech_models_are_not_offered_for_chat(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.openai_models = ["gpt-x", "text-embedding-3-small", "nomic-embed-text", "whisper-1", "llama3"]
    assert await make_provider("openai").list_models() == ["gpt-x", "llama3"]


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_list_models_falls_back_to_the_configured_list(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    fake_api.queue_error("/v1/models", 500)
    provider = make_provider(kind, models=["conf-a", "conf-b"])
    assert await provider.list_models() == ["conf-a", "conf-b"]
    fake_api.anthropic_models = []
    fake_api.openai_models = []
    assert await provider.list_models() == ["conf-a", "conf-b"]  # an empty answer is no answer


# -- usage and cost ----------------------------------------------------------------------------------


async def test_anthropic_cache_reads_are_counted_and_priced(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("anthropic", model="claude-sonnet-4-6")
    wire = {
        "input_tokens": 1000,
        "output_tokens": 200,
        "cache_read_input_tokens": 50_000,
        "cache_creation_input_tokens": 300,
    }
    fake_api.queue_anthropic_text("cached answer", usage=wire, start_usage={**wire, "output_tokens": 1})
    events = await collect(provider)
    usage = final_usage(events)
    assert usage == {
        "provider": "anthropic",
        "model": "claude-sonnet-4-6",
        "input_tokens": 1000,  # Anthropic's input already excludes the cache
        "output_tokens": 200,
        "cache_read_tokens": 50_000,
        "cache_write_tokens": 300,
        "reasoning_tokens": 0,
    }
    totals = provider.get_token_usage()
    normalised = {
        k: usage[k] for k in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    }
    expected_cost = pricing.price_usage("anthropic", "claude-sonnet-4-6", normalised)
    assert expected_cost is not None and expected_cost > 0
    assert totals["estimated_cost"] == pytest.approx(expected_cost)
    all_input = pricing.price_usage(
        "anthropic", "claude-sonnet-4-6", {**normalised, "input_tokens": 51_000, "cache_read_tokens": 0}
    )
    assert all_input is not None and totals["estimated_cost"] < all_input  # reads are cheaper than input
    assert totals["total_tokens"] == 1000 + 200 + 50_000 + 300

    fake_api.queue_anthropic_text("again", usage=wire)
    await collect(provider, "more")
    totals = provider.get_token_usage()
    assert (totals["input_tokens"], totals["cache_read_tokens"]) == (2000, 100_000)
    assert totals["estimated_cost"] == pytest.approx(2 * expected_cost)


async def test_openai_cached_tokens_come_out_of_the_prompt(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("openai", model="gpt-4o")
    fake_api.queue_openai_text(
        "hi",
        usage={"prompt_tokens": 6000, "completion_tokens": 50, "cached_tokens": 5000, "reasoning_tokens": 7},
    )
    usage = final_usage(await collect(provider))
    assert (usage["input_tokens"], usage["cache_read_tokens"], usage["output_tokens"]) == (1000, 5000, 50)
    assert usage["reasoning_tokens"] == 7
    normalised = {
        "input_tokens": 1000,
        "output_tokens": 50,
        "cache_read_tokens": 5000,
        "cache_write_tokens": 0,
    }
    assert provider.get_token_usage()["estimated_cost"] == pytest.approx(
        pricing.price_usage("openai", "gpt-4o", normalised)
    )


async def test_unknown_model_is_unpriced(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("openai", model="my-local-finetune", name="local")
    fake_api.queue_openai_text("hi", usage={"prompt_tokens": 10, "completion_tokens": 2})
    await collect(provider)
    totals = provider.get_token_usage()
    assert totals["estimated_cost"] is None
    assert (totals["input_tokens"], totals["output_tokens"], totals["total_tokens"]) == (10, 2, 12)


async def test_usage_of_a_failed_reply_still_counts(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("anthropic")
    fake_api.queue_anthropic_text("a b c", usage={"input_tokens": 40, "output_tokens": 9}, cut_after=1)
    with pytest.raises(Exception, match="dropped"):
        await collect(provider)
    assert provider.get_token_usage()["input_tokens"] == 40  # from message_start: those were spent


# -- context window ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_old_turns_are_left_out_to_fit_the_context_window(
    kind: str, fake_api: FakeAPI, make_provider: Any
) -> None:
    pricing.set_overrides(models={"tiny-model": pricing.PriceOverride(context_window=2_000)})
    try:
        transcript = Transcript()
        for n in range(12):
            transcript.add_user_text(f"question {n} " + "words " * 60)
            transcript.add_assistant(
                [TextBlock(f"answer {n} " + "more " * 60)],
                provider=kind,
                model="tiny-model",
                stop_reason="end_turn",
            )
        provider = make_provider(kind, model="tiny-model", transcript=transcript, max_tokens=500)
        if kind == "anthropic":
            fake_api.queue_anthropic_text("ok")
        else:
            fake_api.queue_openai_text("ok")
        events = await collect(provider, "the latest question", system_prompt="sys")
        notices = [e["content"] for e in events if e["type"] == "notice"]
        assert len(notices) == 1 and notices[0].startswith("Left out ")
        body = fake_api.last_request("/v1/messages" if kind == "anthropic" else "/v1/chat/completions").body
        sent = json.dumps(body["messages"])
        assert "the latest question" in sent
        assert "question 0 " not in sent  # the oldest turn went first
        assert len(provider.transcript.messages) == 12 * 2 + 2  # the transcript itself keeps everything
    finally:
        pricing.clear_overrides()
