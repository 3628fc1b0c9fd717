"""Request bodies as compact JSON, with the history's texts escaped once rather than on every request.

Every request carries the whole history, and escaping its strings was most of the encoding: 0.8 ms of
each request 100 exchanges into a session (290 KB of JSON). The strings are the transcript's own
objects, the same ones from one request to the next, so their escaped form is kept (least recently
used, as many strings as the token counts keep) and the encoder only assembles the body around them.
The bytes are exactly ``json.dumps(body, ensure_ascii=False, separators=(",", ":"))``'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from json import encoder as _json_encoder
from typing import Any

from flux_tui.core.tokens import HISTORY_TEXTS_CACHED

_escape = lru_cache(maxsize=HISTORY_TEXTS_CACHED)(_json_encoder.encode_basestring)


def _not_serialisable(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _make_encoder() -> Callable[[Any, int], Any] | None:
    make = getattr(_json_encoder, "c_make_encoder", None)  # CPython's C encoder; absent elsewhere
    if make is None:
        return None
    try:
        # The arguments json.JSONEncoder passes it (markers None: no cycle check, bodies are trees).
        return make(None, _not_serialisable, _escape, None, ":", ",", False, False, True)
    except TypeError:  # another signature: use json.dumps
        return None


_encode = _make_encoder()


def dumps(body: Any) -> bytes:
    """``body`` as compact UTF-8 JSON (non-ASCII kept as is)."""
    if _encode is None:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return "".join(_encode(body, 0)).encode()
