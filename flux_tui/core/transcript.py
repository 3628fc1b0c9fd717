"""The provider-neutral conversation history: the single source of truth for what was said.

Providers translate a Transcript into their wire format on every request, so switching provider means
handing the same Transcript to a new provider object. Shapes follow the common ground of the providers:
a user message carries text and/or tool results, an assistant message carries text, thinking and tool
calls. Everything serialises to plain JSON-able dicts (sessions, export) and back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]

# Why a tool result exists; "ok"/"error" come from running the tool, the others from the loop.
ResultStatus = Literal["ok", "error", "denied", "cancelled", "interrupted"]


@dataclass(slots=True)
class TextBlock:
    text: str
    type: Literal["text"] = "text"


@dataclass(slots=True)
class ThinkingBlock:
    """Model reasoning, tagged with who produced it.

    ``signature`` (Anthropic) or ``encrypted`` (OpenAI reasoning items) may only be sent back to the same
    provider family and model; other providers get nothing of it (the text stays visible in the UI).
    """

    text: str
    provider: str
    model: str
    signature: str | None = None
    redacted_data: str | None = None
    type: Literal["thinking"] = "thinking"


@dataclass(slots=True)
class ToolCall:
    id: str
    name: str
    input: dict[str, Any]
    input_error: str | None = None
    type: Literal["tool_use"] = "tool_use"


@dataclass(slots=True)
class ToolResult:
    tool_use_id: str
    content: str
    is_error: bool = False
    status: ResultStatus = "ok"
    type: Literal["tool_result"] = "tool_result"


Block = TextBlock | ThinkingBlock | ToolCall | ToolResult

_BLOCK_TYPES: dict[str, type] = {
    "text": TextBlock,
    "thinking": ThinkingBlock,
    "tool_use": ToolCall,
    "tool_result": ToolResult,
}


def _new_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(slots=True, weakref_slot=True)  # weakly referenced by the token counts (core.tokens)
class Message:
    role: Role
    blocks: list[Block]
    provider: str | None = None  # assistant messages: who produced it
    model: str | None = None
    stop_reason: str | None = None
    incomplete: bool = False  # cut off (cancel, dropped stream, crash): kept, but marked
    id: str = field(default_factory=_new_id)
    created_at: float = field(default_factory=time.time)

    @property
    def text(self) -> str:
        return "".join(b.text for b in self.blocks if isinstance(b, TextBlock))

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [b for b in self.blocks if isinstance(b, ToolCall)]

    @property
    def tool_results(self) -> list[ToolResult]:
        return [b for b in self.blocks if isinstance(b, ToolResult)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "blocks": [_block_to_dict(b) for b in self.blocks],
            "provider": self.provider,
            "model": self.model,
            "stop_reason": self.stop_reason,
            "incomplete": self.incomplete,
            "id": self.id,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        return cls(
            role=data["role"],
            blocks=[_block_from_dict(b) for b in data["blocks"]],
            provider=data.get("provider"),
            model=data.get("model"),
            stop_reason=data.get("stop_reason"),
            incomplete=bool(data.get("incomplete", False)),
            id=data.get("id") or _new_id(),
            created_at=float(data.get("created_at") or time.time()),
        )


def split_turns(messages: list[Message]) -> list[list[Message]]:
    """Split into turns: each starts at a user message that carries text (a prompt); the first message
    always starts one.

    A turn holds the prompt, the assistant replies and the tool results that followed it, so dropping a
    whole turn never separates a tool call from its result.
    """
    turns: list[list[Message]] = []
    for msg in messages:
        if not turns or starts_turn(msg):
            turns.append([msg])
        else:
            turns[-1].append(msg)
    return turns


def starts_turn(message: Message) -> bool:
    """A user message that carries text: a prompt."""
    return message.role == "user" and any(isinstance(b, TextBlock) for b in message.blocks)


def _block_to_dict(block: Block) -> dict[str, Any]:
    return {name: getattr(block, name) for name in block.__slots__}  # type: ignore[union-attr]


def _block_from_dict(data: dict[str, Any]) -> Block:
    kind = _BLOCK_TYPES[data["type"]]
    return kind(**{k: v for k, v in data.items() if k != "type"})


@dataclass
class Transcript:
    """An ordered list of messages plus the context every request carries.

    ``file_context`` is the path set by ``set_current_file_context``; pruning never drops it. A block is
    not changed in place once it is in the transcript (an edit replaces it, or the message): the caches
    of token counts and wire messages know a message by its blocks' identities (``core.tokens``,
    ``core.turn_split``).
    """

    messages: list[Message] = field(default_factory=list)
    file_context: str | None = None
    # What the rendered file context passes through before it is sent (the agent's tool-result
    # redactor: the file is tool output too). Not part of the conversation, so not saved.
    redact: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    # -- building -------------------------------------------------------------------------------

    def add_user_text(self, text: str) -> Message:
        msg = Message(role="user", blocks=[TextBlock(text)])
        self.messages.append(msg)
        return msg

    def add_assistant(
        self,
        blocks: list[Block],
        *,
        provider: str,
        model: str,
        stop_reason: str | None,
        incomplete: bool = False,
    ) -> Message:
        msg = Message(
            role="assistant",
            blocks=list(blocks),
            provider=provider,
            model=model,
            stop_reason=stop_reason,
            incomplete=incomplete,
        )
        self.messages.append(msg)
        return msg

    def add_tool_result(
        self, tool_use_id: str, content: str, *, is_error: bool = False, status: ResultStatus | None = None
    ) -> ToolResult:
        """Attach a result to the user message that follows the call, creating it when needed.

        Results of parallel calls land in the same user message, as both providers expect.
        """
        if tool_use_id not in {c.id for c in self.pending_tool_calls()}:
            raise ValueError(f"no pending tool call with id {tool_use_id!r}")
        result = ToolResult(
            tool_use_id=tool_use_id,
            content=content,
            is_error=is_error,
            status=status or ("error" if is_error else "ok"),
        )
        last = self.messages[-1]
        if last.role == "user" and last.tool_results:
            last.blocks.append(result)
        else:
            self.messages.append(Message(role="user", blocks=[result]))
        return result

    def clear(self) -> None:
        self.messages.clear()

    # -- queries --------------------------------------------------------------------------------

    def pending_tool_calls(self) -> list[ToolCall]:
        """Tool calls of the last assistant message that have no result yet."""
        for index in range(len(self.messages) - 1, -1, -1):
            msg = self.messages[index]
            if msg.role == "assistant":
                answered = {
                    r.tool_use_id for later in self.messages[index + 1 :] for r in later.tool_results
                }
                return [c for c in msg.tool_calls if c.id not in answered]
        return []

    def close_pending_tool_calls(self, status: ResultStatus, reason: str) -> list[ToolResult]:
        """Give every unanswered tool call a result so the history stays valid for any provider."""
        return [
            self.add_tool_result(call.id, reason, is_error=True, status=status)
            for call in self.pending_tool_calls()
        ]

    def turns(self) -> list[list[Message]]:
        """Split into turns (``split_turns``)."""
        return split_turns(self.messages)

    def copy(self) -> Transcript:
        return Transcript.from_dict(self.to_dict())

    # -- serialisation --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {"messages": [m.to_dict() for m in self.messages], "file_context": self.file_context}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            messages=[Message.from_dict(m) for m in data.get("messages", [])],
            file_context=data.get("file_context"),
        )
