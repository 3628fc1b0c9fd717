"""Request bodies: the same bytes as ``json.dumps``, with the history's strings escaped once."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from flux_tui.llm import _json_body


def reference(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


BODY: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 8192,
    "temperature": 0.25,
    "stream": True,
    "stop": None,
    "messages": [
        {"role": "user", "content": [{"type": "text", "text": 'quote " backslash \\ tab \t nl \n ctl \x01'}]},
        {"role": "assistant", "content": [{"type": "text", "text": "naïve café — 東京 🚀 \u2028 end"}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "x" * 5000}]},
    ],
    "tools": [{"name": "edit", "input_schema": {"type": "object", "required": ["p"], "n": [1, 2.5, -3e-7]}}],
    "metadata": {"big": 10**30, "empty": {}, "none": [], "flag": False},
}


def test_the_body_is_byte_for_byte_what_json_dumps_gives() -> None:
    assert _json_body.dumps(BODY) == reference(BODY)
    assert _json_body.dumps(BODY) == reference(BODY)  # from the cache the second time
    assert json.loads(_json_body.dumps(BODY)) == BODY


def test_json_edge_values_match_json_dumps() -> None:
    for value in (math.inf, -math.inf, 0.1, 1e100, "", [], {}, "é", 7):
        assert _json_body.dumps({"v": value}) == reference({"v": value})
    assert _json_body.dumps({"v": math.nan}) == b'{"v":NaN}'  # as json.dumps (allow_nan)


def test_what_json_cannot_encode_is_refused_the_same_way() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        _json_body.dumps({"v": object()})
    with pytest.raises(TypeError):
        json.dumps({"v": object()})


def test_each_string_of_the_history_is_escaped_once(monkeypatch: pytest.MonkeyPatch) -> None:
    if _json_body._encode is None:
        pytest.skip("no C JSON encoder on this interpreter: json.dumps is used")
    answer = "a long answer, escaped once " * 200
    history = [
        {"role": "user", "content": [{"type": "text", "text": "first question"}]},
        {"role": "assistant", "content": [{"type": "text", "text": answer}]},
    ]
    _json_body._escape.cache_clear()
    _json_body.dumps({"messages": history})
    misses = _json_body._escape.cache_info().misses
    history.append({"role": "user", "content": [{"type": "text", "text": "next question"}]})
    _json_body.dumps({"messages": history})
    assert _json_body._escape.cache_info().misses == misses + 1  # only the new text was escaped


def test_without_the_c_encoder_json_dumps_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_json_body, "_encode", None)
    assert _json_body.dumps(BODY) == reference(BODY)
