"""One conversation carried across providers: the request bodies the server received must be valid.

Also the request-shaping rules: prompt caching, reasoning models, tools conversion, file context.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fakeapi import FakeAPI
from llm_support import collect, texts

from flux_tui.core.transcript import TextBlock, Transcript

ANTHROPIC_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
TOOLS = [
    {
        "name": "read_file",
        "description": "Read a file",
        "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
    },
    {
        "name": "list_dir",
        "description": "List a directory",
        "input_schema": {"type": "object", "properties": {}},
    },
]
ODD_ID = "call:odd/id.with spaces"  # as some OpenAI-compatible servers send them
LONG_ID = "toolu_" + "x" * 50  # longer than OpenAI's 40 characters, fine for Anthropic


def anthropic_pairs(messages: list[dict[str, Any]]) -> list[tuple[list[str], list[str]]]:
    """(tool_use ids, tool_result ids of the next message) for each assistant message with calls."""
    pairs = []
    for i, message in enumerate(messages):
        uses = [b["id"] for b in message["content"] if b["type"] == "tool_use"]
        if message["role"] == "assistant" and uses:
            following = messages[i + 1]["content"]
            pairs.append((uses, [b["tool_use_id"] for b in following if b["type"] == "tool_result"]))
    return pairs


async def test_openai_tool_calls_continued_on_anthropic(fake_api: FakeAPI, make_provider: Any) -> None:
    openai = make_provider("openai")
    fake_api.queue_openai_tool_calls(
        [(ODD_ID, "read_file", {"path": "a.py"}), ("call_2", "list_dir", {})], text="Let me look.", fragment=3
    )
    events = await collect(openai, "what is in a.py?", system_prompt="be brief", tools=TOOLS)
    assert [e["id"] for e in events if e["type"] == "tool_use"] == [ODD_ID, "call_2"]
    openai.add_tool_result(ODD_ID, "print('hi')")
    openai.add_tool_result("call_2", "a.py\nb.py")

    anthropic = make_provider("anthropic", transcript=openai.transcript)
    fake_api.queue_anthropic_text("It prints hi.")
    events = await collect(anthropic, None, system_prompt="be brief", tools=TOOLS)
    assert texts(events) == "It prints hi."

    body = fake_api.last_request("/v1/messages").body
    messages = body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"][: len(messages)]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assistant = messages[1]["content"]
    assert assistant[0] == {"type": "text", "text": "Let me look."}
    ids = [b["id"] for b in assistant if b["type"] == "tool_use"]
    assert all(ANTHROPIC_ID.match(i) for i in ids)
    assert ids[1] == "call_2" and ids[0] != ODD_ID
    assert anthropic_pairs(messages) == [(ids, ids)]
    results = messages[2]["content"]
    assert [r["content"] for r in results] == ["print('hi')", "a.py\nb.py"]
    assert [b["input"] for b in assistant if b["type"] == "tool_use"] == [{"path": "a.py"}, {}]
    # the transcript keeps the original id
    assert openai.transcript.messages[1].tool_calls[0].id == ODD_ID
    assert anthropic.transcript.messages[-1].provider == "anthropic"


async def test_anthropic_thinking_and_tools_continued_on_openai_and_back(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    anthropic = make_provider("anthropic", model="claude-sonnet-4-6", thinking_budget=2048, max_tokens=4096)
    fake_api.queue_anthropic_tool_use(
        [(LONG_ID, "read_file", {"path": "b.py"})], thinking="I should read b.py first", signature="SIG+/=abc"
    )
    await collect(anthropic, "check b.py", tools=TOOLS)
    anthropic.add_tool_result(LONG_ID, "x = 1")

    # Same provider kind and model: thinking goes back verbatim with its signature, thinking stays on.
    fake_api.queue_anthropic_text("b.py sets x.")
    await collect(anthropic, None, tools=TOOLS)
    body = fake_api.last_request("/v1/messages").body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    first_assistant = body["messages"][1]["content"]
    assert first_assistant[0] == {
        "type": "thinking",
        "thinking": "I should read b.py first",
        "signature": "SIG+/=abc",
    }
    assert "temperature" not in body

    # On OpenAI: no thinking of any kind, ids <= 40 characters, each result right after its call.
    openai = make_provider("openai", transcript=anthropic.transcript)
    fake_api.queue_openai_text("Anything else?")
    await collect(openai, "and now?", tools=TOOLS)
    sent = fake_api.last_request("/v1/chat/completions").body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "assistant", "user"]
    call = sent[1]["tool_calls"][0]
    assert len(call["id"]) <= 40
    assert sent[2]["tool_call_id"] == call["id"]
    assert sent[1]["content"] is None
    assert "I should read b.py first" not in str(sent)
    assert "SIG+/=abc" not in str(sent)

    # Back on Anthropic with another model: the signature belongs to claude-sonnet-4-6 only.
    other = make_provider("anthropic", model="claude-opus-4-6", transcript=openai.transcript)
    fake_api.queue_anthropic_text("Done.")
    await collect(other, "bye")
    body = fake_api.last_request("/v1/messages").body
    assert "SIG+/=abc" not in str(body)
    assert "I should read b.py first" not in str(body)
    ids = [b["id"] for m in body["messages"] for b in m["content"] if b["type"] == "tool_use"]
    assert ids == [LONG_ID]  # valid for Anthropic already: unchanged
    assert anthropic_pairs(body["messages"]) == [(ids, ids)]


async def test_thinking_is_switched_off_when_a_tool_turn_lacks_it(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    """After a switch mid-turn the last tool_use turn has no thinking block: thinking on would be rejected."""
    openai = make_provider("openai")
    fake_api.queue_openai_tool_calls([("call_1", "list_dir", {})])
    await collect(openai, "list", tools=TOOLS)
    openai.add_tool_result("call_1", "a.py")
    anthropic = make_provider(
        "anthropic", transcript=openai.transcript, thinking_budget=2048, temperature=0.2
    )
    fake_api.queue_anthropic_text("ok")
    await collect(anthropic, None, tools=TOOLS)
    body = fake_api.last_request("/v1/messages").body
    assert "thinking" not in body
    assert body["temperature"] == 0.2


async def test_orphan_tool_call_gets_an_interrupted_result(fake_api: FakeAPI, make_provider: Any) -> None:
    for kind in ("anthropic", "openai"):
        transcript = Transcript()
        transcript.add_user_text("do it")
        transcript.add_assistant([], provider="x", model="y", stop_reason="tool_use")
        transcript.messages[-1].blocks.append(_call("orphan_1"))
        provider = make_provider(kind, transcript=transcript)
        if kind == "anthropic":
            fake_api.queue_anthropic_text("ok")
            await collect(provider, "next question")
            messages = fake_api.last_request("/v1/messages").body["messages"]
            assert [m["role"] for m in messages] == ["user", "assistant", "user"]
            result, prompt = messages[2]["content"]
            assert result["tool_use_id"] == "orphan_1" and result["is_error"] is True
            assert "interrupted" in result["content"]
            assert prompt["text"] == "next question"
        else:
            fake_api.queue_openai_text("ok")
            await collect(provider, "next question")
            messages = fake_api.last_request("/v1/chat/completions").body["messages"]
            assert [m["role"] for m in messages] == ["user", "assistant", "tool", "user"]
            assert messages[2]["tool_call_id"] == "orphan_1"
            assert messages[2]["content"].startswith("Error: ")


def _call(call_id: str) -> Any:
    from flux_tui.core.transcript import ToolCall

    return ToolCall(call_id, "read_file", {"path": "z"})


async def test_anthropic_prompt_caching_marks_the_stable_prefix(
    fake_api: FakeAPI, make_provider: Any
) -> None:
    provider = make_provider("anthropic")
    for answer in ("one", "two"):
        fake_api.queue_anthropic_text(answer)
        await collect(provider, f"question {answer}", system_prompt="You are terse.", tools=TOOLS)
    body = fake_api.last_request("/v1/messages").body
    assert body["system"] == [
        {"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}
    ]
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in body["tools"][0]
    marked = [i for i, m in enumerate(body["messages"]) if "cache_control" in m["content"][-1]]
    assert marked == [0, 2]  # the last two user messages
    breakpoints = str(body).count("cache_control")
    assert breakpoints <= 4

    off = make_provider("anthropic", prompt_caching=False)
    fake_api.queue_anthropic_text("x")
    await collect(off, "q", system_prompt="You are terse.", tools=TOOLS)
    assert "cache_control" not in str(fake_api.last_request("/v1/messages").body)


async def test_file_context_goes_into_the_system_prompt(
    fake_api: FakeAPI, make_provider: Any, tmp_path: Any
) -> None:
    target = tmp_path / "main.py"
    target.write_text("print('hello')\n")
    for kind in ("anthropic", "openai"):
        provider = make_provider(kind)
        provider.set_current_file_context(str(target))
        if kind == "anthropic":
            fake_api.queue_anthropic_text("ok")
            await collect(provider, "q", system_prompt="base")
            system = fake_api.last_request("/v1/messages").body["system"]
            assert system[0]["text"] == "base"
            assert "main.py" in system[1]["text"]
        else:
            fake_api.queue_openai_text("ok")
            await collect(provider, "q", system_prompt="base")
            system = fake_api.last_request("/v1/chat/completions").body["messages"][0]
            assert system["role"] == "system"
            assert system["content"].startswith("base\n\n") and "main.py" in system["content"]


async def test_openai_request_shape(fake_api: FakeAPI, make_provider: Any) -> None:
    chat = make_provider("openai", model="gpt-4o", temperature=0.3, max_tokens=1000)
    fake_api.queue_openai_text("ok")
    await collect(chat, "q", tools=TOOLS)
    body = fake_api.last_request("/v1/chat/completions").body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert (body["max_tokens"], body["temperature"]) == (1000, 0.3)
    assert body["tools"][0] == {
        "type": "function",
        "function": {
            "name": "read_file",
            "description": "Read a file",
            "parameters": TOOLS[0]["input_schema"],
        },
    }
    for model in ("o3-mini", "gpt-5", "o1", "openai/gpt-5-mini"):
        reasoning = make_provider("openai", model=model, temperature=0.3, max_tokens=1000)
        fake_api.queue_openai_text("ok")
        await collect(reasoning, "q")
        body = fake_api.last_request("/v1/chat/completions").body
        assert body["max_completion_tokens"] == 1000, model
        assert "max_tokens" not in body and "temperature" not in body, model


async def test_anthropic_request_shape(fake_api: FakeAPI, make_provider: Any) -> None:
    provider = make_provider("anthropic", max_tokens=2000, temperature=0.5, extra_headers={"x-flux": "1"})
    fake_api.queue_anthropic_text("ok")
    await collect(provider, "   ")  # whitespace-only prompt: no empty text block is sent
    request = fake_api.last_request("/v1/messages")
    assert request.body["stream"] is True
    assert (request.body["max_tokens"], request.body["temperature"]) == (2000, 0.5)
    assert request.headers["x-flux"] == "1"
    assert provider.settings.api_key in (
        request.headers.get("x-api-key"),
        request.headers["authorization"][7:],
    )
    assert all(b.get("text", "x").strip() for m in request.body["messages"] for b in m["content"])


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
async def test_the_body_sent_is_the_request_the_inspector_shows(
    fake_api: FakeAPI, make_provider: Any, kind: str
) -> None:
    """The body is serialised by flux, not by the SDK's create(): it must carry exactly the built
    request (extra_body merged, stream on), non-ASCII text included, and the key only in a header."""
    provider = make_provider(kind, temperature=0.4)
    for n in range(3):
        provider.transcript.add_user_text(f"question {n}: naïve café ✓")
        provider.transcript.add_assistant(
            [TextBlock(text=f"answer {n} — “quoted”")], provider=kind, model="m", stop_reason="end_turn"
        )
    provider.transcript.add_user_text("last")
    expected = provider.build_request(system_prompt="sys", tools=TOOLS)
    expected.update(expected.pop("extra_body", {}))
    expected["stream"] = True
    queue = fake_api.queue_anthropic_text if kind == "anthropic" else fake_api.queue_openai_text
    queue("ok")
    await collect(provider, None, system_prompt="sys", tools=TOOLS)
    request = fake_api.requests[-1]
    assert request.body == expected
    assert provider.settings.api_key not in request.raw.decode()
    assert request.headers["content-type"] == "application/json"
