"""Token counting that works offline: tiktoken with the cl100k BPE file shipped inside flux-tui.

The encoding is built as tiktoken documents for a custom one (``tiktoken_ext/openai_public.py`` does the
same): the ranks from a local ``.tiktoken`` file through ``load_tiktoken_bpe`` (checked against the
published SHA-256), the split pattern and special tokens of cl100k_base, into ``tiktoken.Encoding``. The
file is package data (``core/data``), so nothing is downloaded, whatever ``TIKTOKEN_CACHE_DIR`` holds.
cl100k is OpenAI's GPT-4 encoding; for other models (Claude, o200k models) it is an approximation too.

The encoding costs memory: 27 MB while loaded and 39 MB at its peak while loading, a fifth of the whole
app's. So the app never loads it: ``count_tokens(text, wait=False)`` (the live estimates, pruning,
``/stats``, the inspector) answers with the cheap ``estimate_tokens``, loaded or not, and never starts
loading it. The estimate is within a few percent of cl100k on English and code
(pruning keeps a margin for where it is not, ``pruning.ESTIMATED_SHARE``). ``wait=True`` loads it and
waits (~150 ms), for callers that want cl100k's own count; ``preload()`` starts it in a background
thread. If the encoding cannot be loaded at all, every count falls back to the estimate.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from flux_tui.core import data

if TYPE_CHECKING:
    from tiktoken import Encoding

    from flux_tui.core.transcript import Message, Transcript

log = logging.getLogger(__name__)

ENCODING_NAME = "cl100k_base"
# As tiktoken_ext/openai_public.py declares cl100k_base (tiktoken 0.12).
_BPE_FILE = "cl100k_base.tiktoken"
_BPE_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_PAT_STR = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|"""
    r"""\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL_TOKENS = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}

# Per-message framing (role, separators) as in OpenAI's counting recipe; close enough for Anthropic too.
MESSAGE_OVERHEAD = 4
REPLY_PRIMING = 3
TOOL_CALL_OVERHEAD = 8  # id, name and wrapper of a tool call or result
TOOL_SCHEMA_OVERHEAD = 8

_lock = threading.Lock()
_ready = threading.Event()
_encoding: Encoding | None = None
_failed = False
_loader: threading.Thread | None = None


def build_encoding() -> Encoding:
    """cl100k_base from the BPE file shipped in ``flux_tui.core.data`` (no download, no plugin)."""
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    with resources.as_file(resources.files(data) / _BPE_FILE) as path:
        ranks = load_tiktoken_bpe(str(path), expected_hash=_BPE_SHA256)
    encoding = tiktoken.Encoding(
        ENCODING_NAME, pat_str=_PAT_STR, mergeable_ranks=ranks, special_tokens=_SPECIAL_TOKENS
    )
    # The encoder is Rust and has its own copy of the 100,000 ranks; the Encoding keeps this dict only
    # for pickling and other tools' introspection, never for encoding. Emptying it frees about 14 MB.
    ranks.clear()
    return encoding


def _load() -> None:
    global _encoding, _failed
    try:
        encoding = build_encoding()
        encoding.encode_ordinary("warm up")
        _encoding = encoding
    except Exception:  # a broken install must not break the app: counts become estimates
        log.warning("could not load the %s token encoding; token counts are estimates", ENCODING_NAME)
        _failed = True
    finally:
        _ready.set()


def preload(background: bool = True) -> threading.Thread | None:
    """Start loading the encoding (once). Returns the loader thread when one was started."""
    global _loader
    started: threading.Thread | None = None
    with _lock:
        if not _ready.is_set() and _loader is None:
            _loader = started = threading.Thread(target=_load, name="flux-tiktoken-load", daemon=True)
            started.start()
    if not background:
        _ready.wait()
    return started


def is_ready() -> bool:
    """True once counts are exact (or loading failed and counts will stay estimates)."""
    return _ready.is_set()


def is_exact() -> bool:
    return _encoding is not None


def get_encoding(wait: bool = True) -> Encoding | None:
    """The encoding, loaded and waited for when ``wait``; else only if it is loaded already (None
    meanwhile: ``wait=False`` never starts loading it, see the module's docstring). None if it failed."""
    if not _ready.is_set():
        if not wait:
            return None
        preload(background=False)
    return _encoding


def estimate_tokens(text: str) -> int:
    """Cheap approximation: about 4 characters a token in English and code, and about one token for each
    character beyond ASCII's (a CJK character is one or two tokens, an accented letter often splits a word).
    """
    chars = len(text)
    if text.isascii():
        return (chars + 3) // 4
    extra_bytes = len(text.encode("utf-8", "surrogatepass")) - chars  # 1 for é, 2 for a CJK character
    return (chars + 3) // 4 + (extra_bytes * 2 + 4) // 5


# Texts of the history whose token counts are cached: a whole long session, for the reason given in
# ``_exact``.
HISTORY_TEXTS_CACHED = 1 << 16


@lru_cache(maxsize=HISTORY_TEXTS_CACHED)
def _exact(text: str) -> int:
    # Cached: pruning and live estimates recount the same history on every request. The cache holds
    # references to strings the transcript already keeps, so it costs little memory. It must hold a
    # whole long session: once the history has more texts than the cache (4,096 was two thousand
    # exchanges, or a few hundred tool calls), every request re-encoded all of it, in least-recently-
    # used order, each text evicted just before it was needed again.
    assert _encoding is not None
    return len(_encoding.encode_ordinary(text))


def count_tokens(text: str, *, wait: bool = True) -> int:
    """Tokens in ``text``: cl100k's count with ``wait`` (the encoding loaded if need be), the estimate
    without, whether or not the encoding happens to be loaded: what the app shows and prunes by must not
    depend on what else ran in the process."""
    if not text:
        return 0
    if not wait or get_encoding(wait=True) is None:
        return estimate_tokens(text)
    return _exact(text)


def _block_text(block: Any) -> tuple[str, int]:
    """(text to count, fixed overhead) of a transcript block or a provider-format content dict."""
    kind = getattr(block, "type", None) if not isinstance(block, Mapping) else block.get("type")
    get = block.get if isinstance(block, Mapping) else lambda k, d=None: getattr(block, k, d)
    if kind == "tool_use":
        arguments = json.dumps(get("input") or {}, ensure_ascii=False, sort_keys=True)
        return f"{get('name', '')} {arguments}", TOOL_CALL_OVERHEAD
    if kind == "tool_result":
        content = get("content", "")
        if not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False)
        return content, TOOL_CALL_OVERHEAD
    if kind in ("text", "thinking"):
        return str(get("text", "") or get("thinking", "") or ""), 0
    if isinstance(block, str):
        return block, 0
    return json.dumps(block, ensure_ascii=False, default=str), 0


# Counts of transcript messages, by identity: pruning and the live estimate count the whole history
# before every request, and walking a message's blocks costs more than the cached text counts it adds up
# (0.5 ms of each request after 100 exchanges). An entry holds the message weakly and goes with it;
# it is used only while the message still holds the same blocks (messages are not edited once in the
# transcript; a replaced message is a new object), and only while the encoding is as loaded as when it
# was counted (an estimate is not kept once exact counts can be had).
_message_counts: dict[int, tuple[weakref.ref[Message], tuple[int, ...], bool, int]] = {}


def _forget_message(key: int) -> None:
    _message_counts.pop(key, None)


def count_message(message: Message | Mapping[str, Any], *, wait: bool = True) -> int:
    """Tokens of one message: its blocks plus per-message and per-tool-call framing."""
    if isinstance(message, Mapping):
        content = message.get("content", "")
        blocks: Iterable[Any] = [content] if isinstance(content, str) else (content or [])
        extra = [message["tool_calls"]] if message.get("tool_calls") else []
        return _count_blocks([*blocks, *extra], wait)
    key = id(message)
    blocks_now = tuple(map(id, message.blocks))
    exact = wait  # an exact count and an estimate of the same message are kept apart
    cached = _message_counts.get(key)
    if cached is not None:
        ref, blocks_then, exact_then, total = cached
        if blocks_then == blocks_now and exact_then == exact and ref() is message:
            return total
    total = _count_blocks(message.blocks, wait)
    try:
        ref = weakref.ref(message, lambda _ref, key=key: _forget_message(key))
    except TypeError:  # a message-like object that cannot be weakly referenced: not kept
        return total
    _message_counts[key] = (ref, blocks_now, exact, total)
    return total


def _count_blocks(blocks: Iterable[Any], wait: bool) -> int:
    total = MESSAGE_OVERHEAD
    for block in blocks:
        text, overhead = _block_text(block)
        total += count_tokens(text, wait=wait) + overhead
    return total


def count_messages(
    messages: Transcript | Iterable[Message] | Iterable[Mapping[str, Any]], *, wait: bool = True
) -> int:
    """Approximate prompt tokens of a conversation (transcript, Messages, or wire-format dicts)."""
    items = getattr(messages, "messages", messages)
    return sum(count_message(m, wait=wait) for m in items) + REPLY_PRIMING


def count_tools(tools: Iterable[Mapping[str, Any]] | None, *, wait: bool = True) -> int:
    """Tokens the tool schemas add to every request."""
    total = 0
    for tool in tools or ():
        total += count_tokens(json.dumps(tool, ensure_ascii=False, sort_keys=True), wait=wait)
        total += TOOL_SCHEMA_OVERHEAD
    return total


def _reset_for_tests() -> None:
    """Forget the loaded encoding (tests that prove loading works offline start from scratch)."""
    global _encoding, _failed, _loader
    with _lock:
        _encoding = None
        _failed = False
        _loader = None
        _ready.clear()
        _exact.cache_clear()
        _message_counts.clear()
