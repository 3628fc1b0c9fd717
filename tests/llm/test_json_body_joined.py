"""A request body that joins its history's JSON encoded earlier is the body encoded whole, byte for byte,
and never takes the JSON of one object for another's."""

from __future__ import annotations

import copy
import gc
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from flux_tui.llm import _json_body
from flux_tui.llm._streaming import stream_body

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)
messages = st.lists(st.dictionaries(st.sampled_from(["role", "content", "x"]), json_values), max_size=8)


def _encoded(items: list[Any]) -> dict[int, tuple[Any, bytes]]:
    encoded = _json_body.encode_each(items)
    assert encoded is not None
    return {id(item): (item, data) for item, data in zip(items, encoded, strict=True)}


@settings(max_examples=200, deadline=None)
@given(messages, st.data())
def test_joining_what_was_encoded_gives_the_body_encoded_whole(items: list[Any], data: st.DataObject) -> None:
    known = data.draw(st.lists(st.sampled_from(items), unique_by=id)) if items else []
    body = {"model": "m", "messages": items, "tail": data.draw(json_values), "stream": True}
    assert _json_body.dumps_with(body, "messages", _encoded(known)) == _json_body.dumps(body)


def test_what_orjson_cannot_encode_falls_back_to_json_with_the_same_value() -> None:
    items = [{"role": "user", "n": 2**70}, {"role": "assistant", "content": "ok"}]
    for extra in ({}, {"big": 2**70}):
        body = {"messages": items, **extra}
        joined = _json_body.dumps_with(body, "messages", _encoded(items[1:]))
        assert json.loads(joined) == body


def test_a_changed_or_other_object_is_encoded_again() -> None:
    items = [{"role": "user", "content": "first"}, {"role": "assistant", "content": "second"}]
    known = _encoded(items)
    # Another object under the same id (the first one gone, its id taken): its own JSON is sent.
    stale = {id(item): ({"other": 1}, data) for item, (_obj, data) in known.items()}
    body = {"messages": copy.deepcopy(items)}
    assert _json_body.dumps_with(body, "messages", stale) == _json_body.dumps(body)
    del stale
    gc.collect()
    assert json.loads(_json_body.dumps_with({"messages": items}, "messages", known)) == {"messages": items}


def test_the_stream_body_joins_the_messages_and_nothing_else() -> None:
    items = [{"role": "user", "content": [{"type": "text", "text": "hello"}]}]
    request = {"model": "m", "messages": items, "extra_body": {"top_k": 3}}
    expected = _json_body.dumps({"model": "m", "messages": items, "top_k": 3, "stream": True})
    assert stream_body(request, _encoded(items)) == stream_body(request) == expected
