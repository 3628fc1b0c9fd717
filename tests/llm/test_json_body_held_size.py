"""The JSON kept for each wire message holds its own size, not the capacity orjson's buffer grew to."""

from __future__ import annotations

import sys

from flux_tui.llm import _json_body


def test_each_message_s_json_is_held_at_its_own_size() -> None:
    message = {"role": "assistant", "content": [{"type": "text", "text": "word " * 440}]}
    encoded = _json_body.encode_each([message])
    assert encoded is not None
    (data,) = encoded
    assert data == _json_body.dumps(message)
    # A bytes object's allocation is its header and its length: nothing kept beyond it.
    assert sys.getsizeof(data) == sys.getsizeof(b"") + len(data)
    held = _allocated(data)
    assert held is None or held < 2 * len(data)


def _allocated(data: bytes) -> int | None:
    """What the allocator holds for ``data`` (glibc's ``malloc_usable_size``), where it can be asked."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        usable = libc.malloc_usable_size
    except (OSError, AttributeError):
        return None
    usable.restype = ctypes.c_size_t
    usable.argtypes = [ctypes.c_void_p]
    return int(usable(ctypes.c_void_p(id(data))))
