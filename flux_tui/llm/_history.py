"""Turn the neutral transcript into a sequence every provider can accept, before its own wire format.

Both wire formats share the same structural rules, so they are enforced once here:

* every tool call is answered in the very next user message (missing results are synthesised as
  "interrupted" errors, results without a matching call are dropped), results first, in call order;
* ids are rewritten for the target (charset, length, uniqueness) consistently between a call and its
  result; the transcript keeps the originals;
* no empty or whitespace-only text, no empty messages, and consecutive messages of the same role are
  merged (Anthropic requires alternation).

The output is a list of ``WireTurn`` holding copies of the blocks; the transcript is never changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flux_tui.core.transcript import Block, Message, TextBlock, ThinkingBlock, ToolCall, ToolResult

INTERRUPTED_TEXT = "not run: the tool call was interrupted before it produced a result"

_ID_OK = re.compile(r"^[a-zA-Z0-9_-]+$")
_ID_BAD_CHARS = re.compile(r"[^a-zA-Z0-9_-]")


@dataclass(slots=True)
class WireTurn:
    role: str  # "user" or "assistant"
    blocks: list[Block] = field(default_factory=list)
    provider: str | None = None  # assistant turns: who produced them (first merged message wins)
    model: str | None = None


def wire_id(original: str, max_len: int) -> str:
    """A valid id (``^[a-zA-Z0-9_-]+$``, at most ``max_len`` chars) derived deterministically.

    Valid ids pass unchanged; others get their bad characters replaced and a short digest of the
    original appended, so two different originals never collapse into the same id.
    """
    if _ID_OK.match(original) and len(original) <= max_len:
        return original
    digest = hashlib.sha1(original.encode("utf-8")).hexdigest()[:10]
    head = _ID_BAD_CHARS.sub("_", original)[: max_len - len(digest) - 1]
    return f"{head}_{digest}" if head else f"call_{digest}"[:max_len]


class _IdAllocator:
    """Gives each call occurrence a unique wire id (some servers reuse ids such as ``call_0``)."""

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len
        self.used: set[str] = set()
        # Every id tried, taken or not: what another history's ids must not hold for this one's
        # allocation to come out the same after it (``_wire_cache``).
        self.probed: set[str] = set()

    def allocate(self, original: str) -> str:
        candidate = wire_id(original, self.max_len)
        self.probed.add(candidate)
        n = 1
        while candidate in self.used:
            n += 1
            suffix = f"_{n}"
            candidate = wire_id(original, self.max_len - len(suffix)) + suffix
            self.probed.add(candidate)
        self.used.add(candidate)
        return candidate


def _has_text(block: Block) -> bool:
    return not isinstance(block, TextBlock) or not _blank(block.text)


def _blank(text: str) -> bool:
    """``not text.strip()`` without copying the text (a history's answers are sent on every request)."""
    return not text or text.isspace()


def _assistant_blocks(msg: Message, ids: _IdAllocator, pending: list[list[str]]) -> list[Block]:
    out: list[Block] = []
    for block in msg.blocks:
        if isinstance(block, TextBlock):
            if not _blank(block.text):
                out.append(TextBlock(block.text))
        elif isinstance(block, ThinkingBlock):
            if block.text or block.signature or block.redacted_data:
                out.append(block)  # kept whole; each wire module decides whether it may be sent
        elif isinstance(block, ToolCall):
            new_id = ids.allocate(block.id)
            pending.append([block.id, new_id])
            out.append(ToolCall(new_id, block.name, dict(block.input), block.input_error))
    return out


def _answer_pending(pending: list[list[str]], results: Iterable[ToolResult]) -> list[Block]:
    """Results for the pending calls, in call order; synthesised for calls left unanswered."""
    by_call: dict[int, ToolResult] = {}
    for result in results:
        for index, (original, _new) in enumerate(pending):
            if original == result.tool_use_id and index not in by_call:
                by_call[index] = result
                break
    out: list[Block] = []
    for index, (_original, new_id) in enumerate(pending):
        found = by_call.get(index)
        if found is None:
            out.append(ToolResult(new_id, INTERRUPTED_TEXT, is_error=True, status="interrupted"))
        else:
            out.append(ToolResult(new_id, found.content, found.is_error, found.status))
    return out


def _append(turns: list[WireTurn], turn: WireTurn) -> None:
    if not turn.blocks:
        return
    last = turns[-1] if turns else None
    if last is None or last.role != turn.role:
        turns.append(turn)
    elif turn.role == "user":
        # Tool results must open a user message: keep them ahead of any text.
        merged = last.blocks + turn.blocks
        results = [b for b in merged if isinstance(b, ToolResult)]
        last.blocks = results + [b for b in merged if not isinstance(b, ToolResult)]
    else:
        last.blocks.extend(turn.blocks)


@dataclass(slots=True)
class PreparedHistory:
    turns: list[WireTurn]
    ids: frozenset[str]  # the wire ids given to the calls
    probed: frozenset[str]  # every wire id tried for them
    open_calls: bool  # it ends with tool calls the messages do not answer (results synthesised)


def prepare_history(messages: Iterable[Message], *, max_id_len: int = 64) -> list[WireTurn]:
    """The transcript as alternating, paired, non-empty turns with target-valid ids."""
    return prepare(messages, max_id_len=max_id_len).turns


def prepare(messages: Iterable[Message], *, max_id_len: int = 64) -> PreparedHistory:
    """``prepare_history``, with what decides whether it may be joined to another (``_wire_cache``)."""
    turns: list[WireTurn] = []
    ids = _IdAllocator(max_id_len)
    pending: list[list[str]] = []  # [original id, wire id] of the last assistant's calls
    for msg in messages:
        if msg.role == "assistant":
            if pending:
                _append(turns, WireTurn("user", _answer_pending(pending, ())))
                pending = []
            blocks = _assistant_blocks(msg, ids, pending)
            _append(turns, WireTurn("assistant", blocks, msg.provider, msg.model))
            continue
        results = msg.tool_results
        blocks: list[Block] = _answer_pending(pending, results) if pending else []
        pending = []
        blocks += [TextBlock(b.text) for b in msg.blocks if isinstance(b, TextBlock) and _has_text(b)]
        _append(turns, WireTurn("user", blocks))
    if pending:
        _append(turns, WireTurn("user", _answer_pending(pending, ())))
    return PreparedHistory(turns, frozenset(ids.used), frozenset(ids.probed), bool(pending))


def system_text(system_prompt: str | None, file_context: str | None) -> list[str]:
    """The non-empty parts of the system prompt: the stable prompt, then the current file context."""
    return [part for part in (system_prompt, file_context) if part and part.strip()]


def render_context(path: str | None) -> str | None:
    """The current file context as text, via ``core.context`` when that module is available."""
    if not path:
        return None
    try:
        from flux_tui.core.context import render_file_context
    except ImportError:
        return f"The file the user is currently working on: {path}"
    return render_file_context(path)
