"""Request bodies as compact UTF-8 JSON, encoded by orjson.

Every request carries the whole history: 100 exchanges into a session the body is about 270 KB of JSON,
and ``json.dumps`` took 1.0 ms of each request. orjson takes 0.09 ms for the same body (measured on the
same bodies, interleaved), with no cache of the history's strings to keep.

The JSON is standard (RFC 8259) and compact; it differs from ``json.dumps``'s only in spelling, never in
value: floats in their shortest form (``1e100``, not ``1e+100``), and a float that is not a number
written as ``null`` (``json.dumps`` wrote ``NaN``, which is not JSON and which the APIs refuse). What
orjson does not encode (an integer beyond 64 bits, a key that is not a string) is encoded by ``json``.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(body: Any) -> bytes:
    """``body`` as compact UTF-8 JSON (non-ASCII kept as is); TypeError for what JSON cannot hold."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
