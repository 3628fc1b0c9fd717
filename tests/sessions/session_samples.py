"""A sample session with every agent event type, for the session tests (imported by name)."""

from __future__ import annotations

from typing import Any

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    Notice,
    PromptUnanswered,
    ProviderSwitched,
    StepFinished,
    TextDelta,
    ThinkingDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.transcript import Message, TextBlock, ThinkingBlock, ToolCall, ToolResult

T0 = 1_700_000_000.0
DIFF = "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# Helo world\n+# Hello world\n"


def user(mid: str, text: str, ts: float) -> dict[str, Any]:
    return Message(role="user", blocks=[TextBlock(text)], id=mid, created_at=ts).to_dict()


def assistant(mid: str, blocks: list[Any], ts: float, provider: str, model: str, **kw: Any) -> dict[str, Any]:
    return Message(
        role="assistant", blocks=blocks, provider=provider, model=model, id=mid, created_at=ts, **kw
    ).to_dict()


def sample_events() -> list[AgentEvent]:
    """Three turns: a tool call on Anthropic, a switch to OpenAI with an unpriced failing turn, a cancel."""
    a, o = ("anthropic", "claude-sonnet-4-5"), ("openai", "gpt-4o")
    t = T0
    return [
        TurnStarted(
            ts=t, turn_id="turn1", prompt="Fix the typo in README.md\nplease", provider=a[0], model=a[1]
        ),
        MessageCommitted(ts=t + 0.1, message=user("u1", "Fix the typo in README.md\nplease", t)),
        ThinkingDelta(ts=t + 0.5, text="Let me look"),
        ThinkingDelta(ts=t + 0.6, text=" at the file."),
        UsageReported(
            ts=t + 0.7, provider=a[0], model=a[1], input_tokens=120, output_tokens=8, estimated=True
        ),
        TextDelta(ts=t + 0.8, text="I'll read"),
        TextDelta(ts=t + 0.9, text=" the file first."),
        UsageReported(
            ts=t + 1.0,
            provider=a[0],
            model=a[1],
            input_tokens=100,
            output_tokens=20,
            cache_read_tokens=50,
            cache_write_tokens=10,
            cost=0.0012,
        ),
        MessageCommitted(
            ts=t + 1.0,
            message=assistant(
                "a1",
                [
                    ThinkingBlock("Let me look at the file.", a[0], a[1], signature="c2lnbmF0dXJl"),
                    TextBlock("I'll read the file first."),
                    ToolCall("c1", "read_file", {"path": "README.md"}),
                    ToolCall("c2", "edit_file", {"path": "README.md", "old": "Helo", "new": "Hello"}),
                ],
                t + 0.5,
                *a,
                stop_reason="tool_use",
            ),
        ),
        StepFinished(ts=t + 1.0, stop_reason="tool_use"),
        ToolCallProposed(ts=t + 1.1, call_id="c1", name="read_file", input={"path": "README.md"}),
        ToolCallDecided(ts=t + 1.2, call_id="c1", decision="auto"),
        ToolCallRunning(ts=t + 1.2, call_id="c1"),
        ToolCallFinished(ts=t + 1.3, call_id="c1", status="done", result="# Helo world\n", duration=0.05),
        ToolCallProposed(
            ts=t + 2.0,
            call_id="c2",
            name="edit_file",
            input={"path": "README.md", "old": "Helo", "new": "Hello"},
            preview=DIFF,
        ),
        ToolCallDecided(ts=t + 2.5, call_id="c2", decision="approved", reason="user"),
        ToolCallRunning(ts=t + 2.5, call_id="c2"),
        ToolCallFinished(ts=t + 2.6, call_id="c2", status="done", result="edited README.md", diff=DIFF),
        MessageCommitted(
            ts=t + 2.6,
            message=Message(
                role="user",
                blocks=[ToolResult("c1", "# Helo world\n"), ToolResult("c2", "edited README.md")],
                id="u2",
                created_at=t + 2.6,
            ).to_dict(),
        ),
        TextDelta(ts=t + 3.0, text="Fixed: the title now says Hello."),
        UsageReported(ts=t + 3.1, provider=a[0], model=a[1], input_tokens=300, output_tokens=12, cost=0.002),
        MessageCommitted(
            ts=t + 3.1,
            message=assistant(
                "a2", [TextBlock("Fixed: the title now says Hello.")], t + 3.0, *a, stop_reason="end_turn"
            ),
        ),
        StepFinished(ts=t + 3.1, stop_reason="end_turn"),
        TurnFinished(ts=t + 3.2, stop_reason="end_turn"),
        ProviderSwitched(ts=t + 10, provider=o[0], model=o[1], previous_provider=a[0], previous_model=a[1]),
        Notice(ts=t + 10, text="Switched to openai / gpt-4o", level="info"),
        TurnStarted(
            ts=t + 20, turn_id="turn2", prompt="Explain photosynthesis briefly", provider=o[0], model=o[1]
        ),
        MessageCommitted(ts=t + 20.1, message=user("u3", "Explain photosynthesis briefly", t + 20)),
        TextDelta(ts=t + 20.5, text="Plants turn light "),
        TextDelta(ts=t + 20.6, text="into chlorophyll-powered sugar."),
        UsageReported(ts=t + 21, provider=o[0], model=o[1], input_tokens=400, output_tokens=9, cost=None),
        MessageCommitted(
            ts=t + 21,
            message=assistant(
                "a3",
                [TextBlock("Plants turn light into chlorophyll-powered sugar.")],
                t + 20.5,
                *o,
                stop_reason="error",
                incomplete=True,
            ),
        ),
        StepFinished(ts=t + 21, stop_reason="error"),
        TurnFailed(ts=t + 21.1, error="rate limited by openai", error_type="RateLimitError", hint="wait"),
        TurnStarted(ts=t + 30, turn_id="turn3", prompt="again", provider=o[0], model=o[1]),
        PromptUnanswered(ts=t + 30.5, prompt="again", reason="cancelled"),
        TurnCancelled(ts=t + 30.5),
    ]


def crashed_turn(turn_id: str = "t1", t: float = T0) -> list[AgentEvent]:
    """A turn cut off mid-stream: thinking and text flushed, no answer committed, no end event."""
    return [
        TurnStarted(ts=t, turn_id=turn_id, prompt="question", provider="anthropic", model="m1"),
        MessageCommitted(ts=t, message=user(f"{turn_id}-u", "question", t)),
        ThinkingDelta(ts=t + 1, text="pondering"),
        TextDelta(ts=t + 2, text="Half an "),
        TextDelta(ts=t + 3, text="answer"),
    ]
