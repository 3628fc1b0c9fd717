"""Token counting works with no network and an empty tiktoken cache, and falls back while loading."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from flux_tui.core import tokens
from flux_tui.core.transcript import Message, TextBlock, ToolCall, Transcript

KNOWN = "The quick brown fox jumps over the lazy dog."  # 10 tokens in cl100k_base

_OFFLINE_SCRIPT = r"""
import json, socket, sys

def refuse(*args, **kwargs):
    raise OSError("network access attempted")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from flux_tui.core import pricing, tokens

tokens.preload(background=False)
print(json.dumps({
    "exact": tokens.is_exact(),
    "known": tokens.count_tokens(sys.argv[1]),
    "hello": tokens.count_tokens("hello world"),
    "special": tokens.count_tokens("<|endoftext|>"),
    "cost": pricing.price_usage("openai", "gpt-4o", {"input_tokens": 1000, "output_tokens": 1000}),
}))
"""


def test_counts_are_exact_offline_with_an_empty_cache(tmp_path: Path) -> None:
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    env = {"TIKTOKEN_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _OFFLINE_SCRIPT, KNOWN], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["exact"] is True
    assert (result["known"], result["hello"]) == (10, 2)
    assert result["special"] > 1  # special-token text is counted as ordinary text, not rejected
    assert result["cost"] is not None  # genai-prices needs no network either


def test_without_waiting_a_count_is_the_estimate_loaded_or_not() -> None:
    tokens._reset_for_tests()
    try:
        assert tokens.count_tokens("x" * 400, wait=False) == tokens.estimate_tokens("x" * 400) == 100
        tokens.preload(background=False)
        assert tokens.is_ready() and tokens.is_exact()
        # What the app shows must not depend on what else loaded the encoding in the process.
        assert tokens.count_tokens(KNOWN, wait=False) == tokens.estimate_tokens(KNOWN)
        assert tokens.count_tokens(KNOWN, wait=True) == 10
    finally:
        tokens.preload(background=False)


def test_count_messages_counts_text_tool_calls_and_results() -> None:
    transcript = Transcript()
    transcript.add_user_text("read it")
    transcript.add_assistant(
        [TextBlock("Sure."), ToolCall("call_1", "read_file", {"path": "src/app.py"})],
        provider="anthropic",
        model="m",
        stop_reason="tool_use",
    )
    transcript.add_tool_result("call_1", "print('hi')\n")
    expected = (
        3 * tokens.MESSAGE_OVERHEAD
        + tokens.REPLY_PRIMING
        + tokens.count_tokens("read it")
        + tokens.count_tokens("Sure.")
        + tokens.count_tokens('read_file {"path": "src/app.py"}')
        + tokens.count_tokens("print('hi')\n")
        + 2 * tokens.TOOL_CALL_OVERHEAD
    )
    assert tokens.count_messages(transcript) == expected
    assert tokens.count_messages(transcript.messages) == expected
    wire = [
        {"role": "user", "content": "read it"},
        {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
    ]
    assert tokens.count_messages(wire) == (
        2 * tokens.MESSAGE_OVERHEAD
        + tokens.REPLY_PRIMING
        + tokens.count_tokens("read it")
        + tokens.count_tokens("ok")
    )


def test_count_tools() -> None:
    tool = {"name": "read_file", "description": "Read a file", "input_schema": {"type": "object"}}
    assert tokens.count_tools(None) == 0
    assert tokens.count_tools([tool, tool]) == 2 * tokens.count_tools([tool]) > tokens.TOOL_SCHEMA_OVERHEAD


def test_a_long_history_is_encoded_once_however_many_requests_count_it(monkeypatch: Any) -> None:
    """Pruning counts the whole history before every request: each text is encoded the first time only,
    also when the session holds more texts than a small cache would (5,000 here)."""
    tokens.preload(background=False)
    assert tokens.is_exact()
    transcript = Transcript()
    for n in range(2_500):
        transcript.add_user_text(f"question {n}")
        answer = [TextBlock(text=f"answer {n}")]
        transcript.add_assistant(answer, provider="p", model="m", stop_reason="end_turn")
    tokens._exact.cache_clear()
    first = tokens.count_messages(transcript)
    tokens._message_counts.clear()  # the texts' cache is what is tested here, not the messages'
    encoder = tokens.get_encoding()
    assert encoder is not None
    encoded: list[str] = []
    real = encoder.encode_ordinary
    monkeypatch.setattr(encoder, "encode_ordinary", lambda text: encoded.append(text) or real(text))
    assert tokens.count_messages(transcript) == first
    assert encoded == []


def test_a_message_is_counted_once_until_its_blocks_change_or_it_goes(monkeypatch: Any) -> None:
    """The whole history is counted before every request: a message's count is kept while it lives."""
    tokens.preload(background=False)
    message = Message("user", [TextBlock("hello there")])
    first = tokens.count_message(message)
    walked: list[int] = []
    real = tokens._count_blocks
    monkeypatch.setattr(tokens, "_count_blocks", lambda blocks, wait: walked.append(1) or real(blocks, wait))
    assert tokens.count_message(message) == first and walked == []
    message.blocks.append(TextBlock("more"))  # edited in place: counted again
    assert tokens.count_message(message) == first + tokens.count_tokens("more") and len(walked) == 1
    message.blocks[1] = TextBlock("other")  # a block replaced
    assert tokens.count_message(message) == first + tokens.count_tokens("other") and len(walked) == 2
    message.blocks = [TextBlock("hello there")]
    assert tokens.count_message(message) == first and len(walked) == 3
    other = Message("user", [TextBlock("a different text, longer than the first one")])
    assert tokens.count_message(other) != first and len(walked) == 4
    key = id(message)
    del message
    gc.collect()
    assert key not in tokens._message_counts  # the entry went with its message


def test_a_messages_estimate_and_exact_count_are_kept_apart() -> None:
    tokens._reset_for_tests()
    try:
        message = Message("user", [TextBlock("x" * 400)])
        estimate = tokens.count_message(message, wait=False)
        assert estimate == tokens.MESSAGE_OVERHEAD + tokens.estimate_tokens("x" * 400)
        exact = tokens.count_message(message, wait=True)
        assert exact == tokens.MESSAGE_OVERHEAD + tokens.count_tokens("x" * 400)
        assert exact != estimate
        assert tokens.count_message(message, wait=False) == estimate
    finally:
        tokens.preload(background=False)
