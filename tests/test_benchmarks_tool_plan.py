"""The benchmark server's tool-call plans (``benchmarks/server.py``): a planned tool call is streamed in
either provider's format, the answer planned after it is served to the request that carries the tool's
result, and the log says which tool results each planned request carried. The long-session scenario's
check of those records (``check_tool_round_trips``) is tested on hand-made logs."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks import scenario_long_session as long_session
from benchmarks.server import BenchServer, ServerClient, tool_results
from flux_tui.tools import DEFAULT_POLICY

ARGS = {"path": "notes.md"}


@pytest.fixture
def bench() -> Iterator[tuple[BenchServer, ServerClient]]:
    with BenchServer() as server:
        yield server, ServerClient(server.base_url)


def _stream(base_url: str, path: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """POST a streaming request; the ``data:`` payloads of the answer, decoded."""
    body = {"model": "m", "stream": True, "max_tokens": 100, "messages": messages}
    request = urllib.request.Request(
        base_url + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        lines = response.read().decode().splitlines()
    return [json.loads(line[6:]) for line in lines if line.startswith("data: {")]


def test_anthropic_tool_call_then_the_answer_asked_for_with_its_result(
    bench: tuple[BenchServer, ServerClient],
) -> None:
    server, client = bench
    client.plan_tool_call("toolu_b1", "read_file", ARGS)
    client.plan(30, "ZZANSWEREND")
    prompt = {"role": "user", "content": "read notes.md, then go on"}
    events = _stream(server.base_url, "/v1/messages", [prompt])
    starts = [e["content_block"] for e in events if e["type"] == "content_block_start"]
    assert starts[-1] == {"type": "tool_use", "id": "toolu_b1", "name": "read_file", "input": {}}
    arguments = "".join(
        e["delta"]["partial_json"] for e in events if e.get("delta", {}).get("type") == "input_json_delta"
    )
    assert json.loads(arguments) == ARGS
    assert [e["delta"]["stop_reason"] for e in events if e["type"] == "message_delta"] == ["tool_use"]

    call = {"type": "tool_use", "id": "toolu_b1", "name": "read_file", "input": ARGS}
    result = {"type": "tool_result", "tool_use_id": "toolu_b1", "content": [{"type": "text", "text": "a\nb"}]}
    history = [prompt, {"role": "assistant", "content": [call]}, {"role": "user", "content": [result]}]
    events = _stream(server.base_url, "/v1/messages", history)
    text = "".join(e["delta"].get("text", "") for e in events if e["type"] == "content_block_delta")
    assert text.endswith("ZZANSWEREND")
    records = {entry["marker"]: entry for entry in client.log()}
    assert records["toolu_b1"]["tool_results"] == {}
    assert records["ZZANSWEREND"]["tool_results"] == {"toolu_b1": "a\nb"}


def test_openai_tool_call_then_the_answer_asked_for_with_its_result(
    bench: tuple[BenchServer, ServerClient],
) -> None:
    server, client = bench
    client.plan_tool_call("call_b2", "read_file", ARGS)
    client.plan(30, "ZZOPENAIEND")
    prompt = {"role": "user", "content": "read notes.md, then go on"}
    chunks = _stream(server.base_url, "/v1/chat/completions", [prompt])
    calls = [
        c for chunk in chunks for choice in chunk["choices"] for c in choice["delta"].get("tool_calls", [])
    ]
    assert (calls[0]["id"], calls[0]["function"]["name"]) == ("call_b2", "read_file")
    assert json.loads("".join(c["function"]["arguments"] for c in calls)) == ARGS
    assert [c["finish_reason"] for chunk in chunks for c in chunk["choices"] if c["finish_reason"]] == [
        "tool_calls"
    ]

    function = {"name": "read_file", "arguments": json.dumps(ARGS)}
    assistant = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "call_b2", "function": function}],
    }
    history = [prompt, assistant, {"role": "tool", "tool_call_id": "call_b2", "content": "a\nb"}]
    chunks = _stream(server.base_url, "/v1/chat/completions", history)
    text = "".join(c["delta"].get("content") or "" for chunk in chunks for c in chunk["choices"])
    assert text.endswith("ZZOPENAIEND")
    records = {entry["marker"]: entry for entry in client.log()}
    assert records["ZZOPENAIEND"]["tool_results"] == {"call_b2": "a\nb"}


def test_tool_results_are_only_those_after_the_models_last_turn() -> None:
    old = {"type": "tool_result", "tool_use_id": "toolu_old", "content": "earlier"}
    body = {
        "messages": [
            {"role": "user", "content": [old]},
            {"role": "assistant", "content": [{"type": "text", "text": "done"}]},
            {"role": "user", "content": "next question"},
        ]
    }
    assert tool_results(body) == {}
    assert tool_results(None) == {}
    body["messages"][-1] = {"role": "user", "content": [{**old, "tool_use_id": "toolu_new", "content": "x"}]}
    assert tool_results(body) == {"toolu_new": "x"}


def _checked(log: list[dict[str, Any]]) -> None:
    session = long_session.Session(app=None, name="session 0")  # type: ignore[arg-type]
    session.tool_calls.append((9, "toolu_c", "ZZANSWER"))
    context = SimpleNamespace(server=SimpleNamespace(log=lambda: log))
    long_session.check_tool_round_trips(context, [session])  # type: ignore[arg-type]


def test_round_trip_check_passes_when_the_answer_was_asked_for_with_the_file() -> None:
    result = f"     1\tfirst line\n    26\tlast line: {long_session.FILE_WORD}"
    _checked(
        [
            {"marker": "toolu_c", "tool_results": {}},
            {"marker": "ZZANSWER", "tool_results": {"toolu_c": result}},
        ]
    )


@pytest.mark.parametrize(
    ("log", "reason"),
    [
        ([{"marker": "ZZANSWER", "tool_results": {}}], "never requested"),
        (
            [{"marker": "toolu_c", "tool_results": {}}, {"marker": "ZZANSWER", "tool_results": {}}],
            "not asked",
        ),
        (
            [
                {"marker": "toolu_c"},
                {"marker": "ZZANSWER", "tool_results": {"toolu_c": "notes.md not found"}},
            ],
            "not asked",
        ),
    ],
    ids=["no tool call served", "answer without the result", "the tool failed"],
)
def test_round_trip_check_fails_without_the_files_text(log: list[dict[str, Any]], reason: str) -> None:
    with pytest.raises(RuntimeError, match=reason):
        _checked(log)


def test_the_scenarios_tool_runs_without_approval_on_a_small_file() -> None:
    # An approval dialog would stall the exchange: the tool must be one the default policy allows.
    assert DEFAULT_POLICY[long_session.TOOL] == "allow"
    lines = long_session.FILE_TEXT.splitlines()
    assert 10 < len(lines) < 100 and lines[-1].endswith(long_session.FILE_WORD)
