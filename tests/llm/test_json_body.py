"""Request bodies: compact UTF-8 JSON holding exactly what ``json.dumps`` would, whatever the spelling."""

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
    "metadata": {"empty": {}, "none": [], "flag": False},
}


def test_the_body_is_the_same_json_as_json_dumps_gives() -> None:
    body = _json_body.dumps(BODY)
    assert json.loads(body) == json.loads(reference(BODY)) == BODY
    assert len(body) <= len(reference(BODY))  # as compact
    assert "東京 🚀".encode() in body  # UTF-8, not \u escapes


def test_strings_are_escaped_as_json_dumps_escapes_them() -> None:
    for text in ('"', "\\", "\n\r\t\b\f", "\x00\x1f\x7f", "\u2028\u2029", "é", "\ud7ff", "</script>"):
        assert _json_body.dumps(text) == reference(text), repr(text)


def test_json_edge_values_keep_their_value() -> None:
    for value in (0.1, 1e100, -3e-7, "", [], {}, 7, -(2**63), 2**64 - 1, True, None):
        assert json.loads(_json_body.dumps({"v": value})) == {"v": value}


def test_what_orjson_does_not_encode_is_encoded_by_json() -> None:
    for body in ({"v": 10**30}, {1: "a key that is a number"}):
        assert _json_body.dumps(body) == reference(body)


def test_a_float_that_is_not_a_number_is_written_as_valid_json() -> None:
    for value in (math.nan, math.inf, -math.inf):
        assert json.loads(_json_body.dumps({"v": value})) == {"v": None}


def test_what_json_cannot_encode_is_refused_the_same_way() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        _json_body.dumps({"v": object()})
    with pytest.raises(TypeError, match="not JSON serializable"):
        _json_body.dumps({"v": object(), "n": 10**30})  # refused by both encoders
