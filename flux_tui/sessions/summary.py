"""Data derived from the events: the sessions list columns and the full-text index.

Derived data is updated with every append, in the same transaction, and can always be recomputed from
the events (migrations do so), so the events stay the single source of truth.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flux_tui.core.agent_events import (
    AgentEvent,
    MessageCommitted,
    ProviderSwitched,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.attachments import prompt_as_typed, split_context
from flux_tui.core.redact import Redactor

from .codec import decode_row

TITLE_LENGTH = 60
# Events after which a live estimate can no longer be replaced (the ledger's rule).
_REPLY_ENDS = (TurnStarted, TurnFinished, TurnFailed, TurnCancelled, ProviderSwitched)


@dataclass(slots=True)
class Summary:
    """What a batch of events adds to a session's row."""

    turns: int = 0
    cost: float = 0.0
    priced_replies: int = 0
    unpriced_replies: int = 0
    estimated_replies: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    title: str | None = None  # from the first prompt of the batch
    last_ts: float | None = None
    models: list[tuple[str, str, float]] = field(default_factory=list)  # provider, model, first seen
    messages: list[tuple[str, str, str]] = field(default_factory=list)  # message id, role, text


def title_from_prompt(prompt: str) -> str | None:
    """The first non-blank line, squeezed and cut to a list-friendly length."""
    for line in prompt.splitlines():
        words = " ".join(line.split())
        if words:
            return words if len(words) <= TITLE_LENGTH else words[: TITLE_LENGTH - 1].rstrip() + "…"
    return None


def message_text(message: dict[str, object]) -> str:
    blocks = message.get("blocks")
    if not isinstance(blocks, list):
        return ""
    return "\n".join(
        str(b.get("text") or "") for b in blocks if isinstance(b, dict) and b.get("type") == "text"
    ).strip()


def summarise(events: Iterable[AgentEvent]) -> Summary:
    out = Summary()
    seen: set[tuple[str, str]] = set()

    def model_used(provider: str, model: str, ts: float) -> None:
        if (provider, model) not in seen:
            seen.add((provider, model))
            out.models.append((provider, model, ts))

    def count(event: UsageReported) -> None:
        model_used(event.provider, event.model, event.ts)
        out.input_tokens += event.input_tokens
        out.output_tokens += event.output_tokens
        out.estimated_replies += int(event.estimated)
        if event.cost is None:
            out.unpriced_replies += 1
        else:
            out.priced_replies += 1
            out.cost += event.cost

    # A live estimate no final figure replaced before its turn ended (a session recorded before replies
    # settled on their own) was spent: counted, as the ledger counts it.
    dangling: UsageReported | None = None
    for event in events:
        out.last_ts = event.ts if out.last_ts is None else max(out.last_ts, event.ts)
        if isinstance(event, UsageReported):
            live = event.estimated and not event.settled
            if dangling is not None and (dangling.provider, dangling.model) != (event.provider, event.model):
                count(dangling)
            dangling = event if live else None
            if not live:
                count(event)
            continue
        if isinstance(event, _REPLY_ENDS) and dangling is not None:
            count(dangling)
            dangling = None
        if isinstance(event, TurnStarted):
            if event.prompt.strip():
                out.turns += 1
                if out.title is None:
                    out.title = title_from_prompt(split_context(event.prompt)[0])
            model_used(event.provider, event.model, event.ts)
        elif isinstance(event, MessageCommitted):
            role = str(event.message.get("role") or "")
            message_id = str(event.message.get("id") or "")
            if message_id and role in ("user", "assistant"):
                text = message_text(event.message)
                # The index holds what was typed and the attachments' names, not their contents.
                out.messages.append((message_id, role, prompt_as_typed(text) if role == "user" else text))
    return out


def apply_summary(conn: sqlite3.Connection, session_id: str, summary: Summary, redactor: Redactor) -> None:
    title = redactor.redact_text(summary.title) if summary.title else None
    conn.execute(
        """UPDATE sessions SET
             turns = turns + ?, cost = cost + ?, priced_replies = priced_replies + ?,
             unpriced_replies = unpriced_replies + ?, estimated_replies = estimated_replies + ?,
             input_tokens = input_tokens + ?,
             output_tokens = output_tokens + ?, title = COALESCE(title, ?),
             updated_at = MAX(updated_at, COALESCE(?, updated_at))
           WHERE id = ?""",
        (
            summary.turns,
            summary.cost,
            summary.priced_replies,
            summary.unpriced_replies,
            summary.estimated_replies,
            summary.input_tokens,
            summary.output_tokens,
            title,
            summary.last_ts,
            session_id,
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO session_models (session_id, provider, model, first_seen) VALUES (?,?,?,?)",
        [(session_id, p, m, ts) for p, m, ts in summary.models],
    )
    for message_id, role, text in summary.messages:
        # A message committed again (same id, e.g. tool results added later) replaces its entry.
        if text:
            conn.execute(
                """INSERT INTO messages (session_id, message_id, role, text) VALUES (?,?,?,?)
                   ON CONFLICT (session_id, message_id) DO UPDATE SET role = excluded.role,
                     text = excluded.text""",
                (session_id, message_id, role, redactor.redact_text(text)),
            )
        else:
            conn.execute(
                "DELETE FROM messages WHERE session_id = ? AND message_id = ?", (session_id, message_id)
            )


def rebuild_derived(conn: sqlite3.Connection, session_id: str, redactor: Redactor) -> None:
    """Recompute a session's derived data from its stored events (keeps a custom title)."""
    conn.execute(
        """UPDATE sessions SET turns = 0, cost = 0, priced_replies = 0, unpriced_replies = 0,
             estimated_replies = 0, input_tokens = 0, output_tokens = 0,
             title = CASE WHEN title_custom THEN title ELSE NULL END
           WHERE id = ?""",
        (session_id,),
    )
    conn.execute("DELETE FROM session_models WHERE session_id = ?", (session_id,))
    conn.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
    rows: Sequence[tuple[float, str, str]] = conn.execute(
        "SELECT ts, kind, payload FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
    ).fetchall()
    events = [event for row in rows for event in decode_row(*row)]
    apply_summary(conn, session_id, summarise(events), redactor)
