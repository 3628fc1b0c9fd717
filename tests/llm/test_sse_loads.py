"""An event's JSON (``_sse.loads``): orjson's reading is ``json.loads``'s, and what orjson refuses is read
by ``json`` (or refused by it)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.llm._sse import loads

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.booleans())
def test_values_read_as_json_reads_them(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert loads(text) == json.loads(text)


def test_what_orjson_refuses_is_read_by_json() -> None:
    assert math.isnan(loads('{"x": NaN}')["x"])
    assert loads("1e400") == math.inf
    assert loads('"\\ud800"') == "\ud800"  # an escaped lone surrogate


def test_what_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError):
        loads('{"type": "content_block_delta", ')
