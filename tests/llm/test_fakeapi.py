"""The fake API server itself: formats the real SDKs accept, recording, faults, auth, models."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from fakeapi import FakeAPI


def _post(api: FakeAPI, path: str, body: dict, headers: dict | None = None) -> httpx2.Response:
    return httpx2.post(api.base_url + path, json=body, headers=headers or {}, timeout=10)


def test_sync_use_records_requests_and_loud_empty_queue(fake_api: FakeAPI) -> None:
    response = _post(fake_api, "/v1/messages", {"model": "m", "messages": []}, {"x-api-key": "k"})
    assert response.status_code == 500
    assert "fake API: no scripted response" in response.json()["error"]["message"]
    recorded = fake_api.last_request("/v1/messages")
    assert recorded.method == "POST"
    assert recorded.body == {"model": "m", "messages": []}
    assert recorded.headers["x-api-key"] == "k"
    with pytest.raises(LookupError):
        fake_api.last_request("/v1/chat/completions")


def test_queues_are_fifo_per_endpoint(fake_api: FakeAPI) -> None:
    fake_api.queue_error("anthropic", 429, retry_after=3)
    fake_api.queue_raw("anthropic", b'{"ok": 1}', content_type="application/json")
    fake_api.queue_error("openai", 401)
    first = _post(fake_api, "/v1/messages", {})
    assert first.status_code == 429
    assert first.headers["retry-after"] == "3"
    assert first.json()["error"]["type"] == "rate_limit_error"
    assert _post(fake_api, "/v1/messages", {}).json() == {"ok": 1}
    openai = _post(fake_api, "/v1/chat/completions", {})
    assert openai.status_code == 401
    assert openai.json()["error"]["code"] == "invalid_api_key"
    assert fake_api.pending("anthropic") == 0


def test_models_format_follows_client_headers(fake_api: FakeAPI) -> None:
    fake_api.anthropic_models = ["claude-a"]
    fake_api.openai_models = ["gpt-a", "gpt-b"]
    anthropic = httpx2.get(fake_api.base_url + "/v1/models", headers={"anthropic-version": "2023-06-01"})
    assert anthropic.json()["data"][0] == {
        "type": "model",
        "id": "claude-a",
        "display_name": "claude-a",
        "created_at": "2025-01-01T00:00:00Z",
    }
    assert anthropic.json()["first_id"] == "claude-a"
    openai = httpx2.get(fake_api.base_url + "/v1/models", headers={"authorization": "Bearer x"})
    assert openai.json()["object"] == "list"
    assert [m["id"] for m in openai.json()["data"]] == ["gpt-a", "gpt-b"]


def test_require_key_gives_real_401s(fake_api: FakeAPI) -> None:
    fake_api.require_key = "sk-test-right"
    fake_api.echo = True
    wrong = _post(fake_api, "/v1/messages", {"messages": []}, {"x-api-key": "sk-test-wrong"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["type"] == "authentication_error"
    right = _post(fake_api, "/v1/messages", {"messages": []}, {"x-api-key": "sk-test-right"})
    assert right.status_code == 200
    bearer = _post(fake_api, "/v1/chat/completions", {}, {"authorization": "Bearer nope-nope-nope"})
    assert bearer.status_code == 401
    assert "nope-nope-nope" not in bearer.text  # the real API masks the key it quotes


def test_openai_usage_chunk_only_when_asked(fake_api: FakeAPI) -> None:
    fake_api.queue_openai_text("hi there")
    fake_api.queue_openai_text("hi there")
    plain = _post(fake_api, "/v1/chat/completions", {"model": "gpt-4o", "stream": True}).text
    asked = _post(
        fake_api,
        "/v1/chat/completions",
        {"model": "gpt-4o", "stream": True, "stream_options": {"include_usage": True}},
    ).text
    assert '"usage"' not in plain
    assert '"choices":[],"usage"' in asked
    assert asked.endswith("data: [DONE]\n\n")


def test_split_bytes_and_cut_stream(fake_api: FakeAPI) -> None:
    fake_api.queue_anthropic_text("a b c d", split_bytes=3, usage={"input_tokens": 5, "output_tokens": 4})
    body = _post(fake_api, "/v1/messages", {"model": "claude-x", "stream": True}).text
    events = [line.removeprefix("event: ") for line in body.splitlines() if line.startswith("event: ")]
    assert events[0] == "message_start"
    assert events[-2:] == ["message_delta", "message_stop"]
    assert '"model":"claude-x"' in body  # model echoes the request's
    fake_api.queue_anthropic_text("a b c d", cut_after=2)
    with pytest.raises(httpx2.RemoteProtocolError):
        _post(fake_api, "/v1/messages", {"stream": True})


def test_error_event_mid_stream(fake_api: FakeAPI) -> None:
    fake_api.queue_anthropic_text("a b c d", error_after=1)
    body = _post(fake_api, "/v1/messages", {"stream": True}).text
    assert body.count("text_delta") == 1
    last = body.strip().split("\n\n")[-1]
    assert last.startswith("event: error\n")
    assert json.loads(last.split("data: ", 1)[1])["error"]["type"] == "overloaded_error"


def test_stall_wakes_on_stop() -> None:
    api = FakeAPI().start()
    api.queue_anthropic_text("a b", stall_after=1, stall_seconds=600)
    with pytest.raises(httpx2.ReadTimeout):
        httpx2.post(api.base_url + "/v1/messages", json={}, timeout=httpx2.Timeout(5, read=0.3))
    api.stop()  # must not wait for the 600 s stall


def test_stream_text_pacing_counts_tokens(fake_api: FakeAPI) -> None:
    fake_api.stream_text("openai", ["x "] * 40, chunk_tokens=4)
    body = _post(fake_api, "/v1/chat/completions", {"stream": True}).text
    assert body.count('"content":"x x x x "') == 10


def test_standalone_echo_server(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "fakeapi.py"
    proc = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--mode", "echo"], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        base = line.split()[3]
        deadline = time.monotonic() + 10
        while True:
            try:
                body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "ping me"}]}
                text = httpx2.post(base + "/v1/messages", json=body, headers={"x-api-key": "k"}).text
                break
            except httpx2.ConnectError:
                if time.monotonic() > deadline:
                    raise
        assert '"text":" me"' in text
        assert "message_stop" in text
    finally:
        proc.terminate()
        proc.wait(10)
