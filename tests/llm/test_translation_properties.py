"""Property tests: any transcript, however messy, translates to a request the target provider accepts.

Transcripts are generated with the shapes real sessions produce and the accidents they suffer: empty
and whitespace text, ids with any characters (and repeated ids), thinking from either provider and
model, orphan tool calls, results for calls that do not exist, partial results, consecutive messages
of the same role.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_tui.core.transcript import Message, TextBlock, ThinkingBlock, ToolCall, ToolResult, Transcript
from flux_tui.llm import _anthropic_wire, _openai_wire

ANTHROPIC_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
TARGET_MODEL = "model-a"
THINK_MARK = "THINK:"

texts = st.one_of(st.sampled_from(["", " ", "\n", "hello", "trailing  "]), st.text(max_size=20))
ids = st.one_of(
    st.sampled_from(["call_0", "toolu_01ABC", "x" * 50, "a:b/c", "call 1"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=70),
)


@st.composite
def assistant_message(draw: st.DrawFn) -> Message:
    blocks: list[Any] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "thinking", "call"]))
        if kind == "text":
            blocks.append(TextBlock(draw(texts)))
        elif kind == "thinking":
            blocks.append(
                ThinkingBlock(
                    THINK_MARK + draw(texts),
                    provider=draw(st.sampled_from(["anthropic", "openai"])),
                    model=draw(st.sampled_from([TARGET_MODEL, "model-b"])),
                    signature=draw(st.one_of(st.none(), st.just("SIG_" + draw(st.text("abc", max_size=5))))),
                )
            )
        else:
            blocks.append(
                ToolCall(draw(ids), "tool_" + draw(st.text("abc", min_size=1, max_size=3)), {"n": 1})
            )
    return Message(
        role="assistant", blocks=blocks, provider="p", model=TARGET_MODEL, incomplete=draw(st.booleans())
    )


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    messages: list[Message] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["prompt", "assistant", "results", "results"]))
        if kind == "prompt":
            messages.append(Message(role="user", blocks=[TextBlock(draw(texts))]))
        elif kind == "assistant":
            messages.append(draw(assistant_message()))
        else:
            calls = [c for m in messages[-1:] for c in m.tool_calls]
            answered = draw(st.lists(st.sampled_from(calls), unique_by=id)) if calls else []
            blocks: list[Any] = [
                ToolResult(c.id, draw(texts), is_error=draw(st.booleans())) for c in answered
            ]
            if draw(st.booleans()):
                blocks.append(ToolResult(draw(ids), "result of nothing"))  # an orphan result
            if draw(st.booleans()):
                blocks.append(TextBlock(draw(texts)))
            messages.append(Message(role="user", blocks=blocks))
    return Transcript(messages=messages)


def has_prompt(transcript: Transcript) -> bool:
    return any(isinstance(b, TextBlock) and b.text.strip() for m in transcript for b in m.blocks)


def thinking_sources(transcript: Transcript) -> set[tuple[str, str]]:
    """(signature, text) of the thinking blocks that may go back to (anthropic, TARGET_MODEL)."""
    return {
        (b.signature, b.text)
        for m in transcript
        for b in m.blocks
        if isinstance(b, ThinkingBlock)
        and b.signature
        and (b.provider, b.model) == ("anthropic", TARGET_MODEL)
    }


def check_anthropic(request: dict[str, Any], transcript: Transcript) -> None:
    messages = request["messages"]
    if has_prompt(transcript):
        assert messages
    if not messages:
        return
    assert messages[0]["role"] == "user"
    assert all(a["role"] != b["role"] for a, b in itertools.pairwise(messages))
    allowed_thinking = thinking_sources(transcript)
    all_ids: list[str] = []
    for index, message in enumerate(messages):
        content = message["content"]
        assert content, "empty message"
        for block in content:
            if block["type"] == "text":
                assert block["text"].strip(), "empty text block"
            elif block["type"] == "thinking":
                assert message["role"] == "assistant"
                assert (block["signature"], block["thinking"]) in allowed_thinking
            elif block["type"] == "tool_result":
                assert block["content"]
        uses = [b["id"] for b in content if b["type"] == "tool_use"]
        all_ids += uses
        results = [b["tool_use_id"] for b in content if b["type"] == "tool_result"]
        if results:
            # results open the message and answer exactly the previous assistant's calls
            assert [b["type"] for b in content[: len(results)]] == ["tool_result"] * len(results)
            previous = messages[index - 1]["content"]
            assert Counter(results) == Counter(b["id"] for b in previous if b["type"] == "tool_use")
        if uses:
            assert index + 1 < len(messages), "tool_use without a following message"
            following = messages[index + 1]["content"]
            assert Counter(b.get("tool_use_id") for b in following if b["type"] == "tool_result") == Counter(
                uses
            )
    assert all(ANTHROPIC_ID.match(i) for i in all_ids)
    assert len(all_ids) == len(set(all_ids))
    if messages[-1]["role"] == "assistant":
        last = messages[-1]["content"][-1]
        assert last["type"] != "text" or last["text"] == last["text"].rstrip()
    assert str(request).count("cache_control") <= 4


def check_openai(request: dict[str, Any], transcript: Transcript) -> None:
    messages = request["messages"]
    assert messages[0] == {"role": "system", "content": "sys"}
    body = messages[1:]
    if has_prompt(transcript):
        assert body
    assert THINK_MARK not in str(request)
    all_ids: list[str] = []
    index = 0
    while index < len(body):
        message = body[index]
        assert message["role"] in ("user", "assistant")  # tool messages only right after their call
        if message["role"] == "user":
            assert message["content"].strip()
            index += 1
            continue
        calls = [c["id"] for c in message.get("tool_calls", [])]
        assert (message["content"] or "") or calls
        assert message["content"] is None or message["content"].strip()
        all_ids += calls
        following = []
        index += 1
        while index < len(body) and body[index]["role"] == "tool":
            following.append(body[index]["tool_call_id"])
            assert body[index]["content"]
            index += 1
        assert Counter(following) == Counter(calls)
    assert all(0 < len(i) <= _openai_wire.MAX_ID_LEN for i in all_ids)
    assert len(all_ids) == len(set(all_ids))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript=transcripts(), caching=st.booleans(), thinking=st.sampled_from([None, 2048]))
def test_any_transcript_translates_to_a_valid_anthropic_request(
    transcript: Transcript, caching: bool, thinking: int | None
) -> None:
    before = transcript.to_dict()
    request = _anthropic_wire.build_request(
        transcript.messages,
        model=TARGET_MODEL,
        max_tokens=8192,
        temperature=None,
        system_prompt="sys",
        file_context=None,
        tools=[{"name": "t", "description": "d", "input_schema": {"type": "object"}}],
        prompt_caching=caching,
        thinking_budget=thinking,
    )
    check_anthropic(request, transcript)
    if "thinking" in request:
        # thinking on: the assistant turn being continued with tools starts with a thinking block
        last_tools = [m for m in request["messages"] if m["role"] == "assistant"]
        for message in last_tools[-1:]:
            if any(b["type"] == "tool_use" for b in message["content"]):
                assert message["content"][0]["type"] in ("thinking", "redacted_thinking")
    assert transcript.to_dict() == before  # translation never changes the transcript


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript=transcripts(), model=st.sampled_from(["gpt-4o", "o3-mini", "gpt-5"]))
def test_any_transcript_translates_to_a_valid_openai_request(transcript: Transcript, model: str) -> None:
    before = transcript.to_dict()
    request = _openai_wire.build_request(
        transcript.messages,
        model=model,
        max_tokens=1000,
        temperature=0.5,
        system_prompt="sys",
        file_context=None,
        tools=None,
    )
    check_openai(request, transcript)
    assert transcript.to_dict() == before


@settings(max_examples=100, deadline=None)
@given(transcript=transcripts())
def test_ids_are_consistent_between_a_call_and_its_result(transcript: Transcript) -> None:
    """A call answered in the transcript keeps its own result (content), whatever its id became."""
    request = _anthropic_wire.build_request(
        transcript.messages,
        model=TARGET_MODEL,
        max_tokens=100,
        temperature=None,
        system_prompt=None,
        file_context=None,
        tools=None,
        prompt_caching=False,
    )
    answers: dict[str, list[str]] = {}
    for message in transcript:
        for block in message.tool_results:
            answers.setdefault(block.tool_use_id, []).append(block.content or "(no output)")
    originals = [c for m in transcript for c in m.tool_calls]
    sent_results = {
        b["tool_use_id"]: b["content"]
        for m in request["messages"]
        for b in m["content"]
        if b["type"] == "tool_result" and not b.get("is_error") and "interrupted" not in b["content"]
    }
    sent_calls = [b["id"] for m in request["messages"] for b in m["content"] if b["type"] == "tool_use"]
    assert len(sent_calls) == len(originals)
    for original, sent in zip(originals, sent_calls, strict=True):
        if sent in sent_results:
            assert sent_results[sent] in answers.get(original.id, [])
