"""Markdown export: a session as a document to read (prompts, answers, tool calls, usage, switches)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flux_tui.core.agent_events import (
    CLEARED_NOTICE,
    AgentEvent,
    HistoryCleared,
    MessageCommitted,
    Notice,
    PromptUnanswered,
    ProviderSwitched,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    TurnCancelled,
    TurnFailed,
    TurnStarted,
    UsageReported,
)
from flux_tui.core.attribution import Attribution, attribute
from flux_tui.core.ledger import UsageLedger, UsageTotals
from flux_tui.core.redact import Redactor
from flux_tui.core.wording import counted

from .models import LoadedSession, format_cost

MAX_RESULT_CHARS = 5_000  # a read of a whole file would drown the conversation


@dataclass(slots=True)
class _Writer:
    parts: list[str] = field(default_factory=list)
    proposed: dict[str, ToolCallProposed] = field(default_factory=dict)
    decided: dict[str, ToolCallDecided] = field(default_factory=dict)
    ledger: UsageLedger = field(default_factory=UsageLedger)  # the totals, as every view adds them up
    usage_lines: list[str] = field(default_factory=list)  # shown after the reply they belong to
    turn: int = 0  # numbered as ``Attribution`` numbers them: a prompt and all that answers it
    costs: Attribution = field(default_factory=Attribution)  # per turn and per tool call
    dropped: bool = False  # /retry took a cut answer out; the turn that follows asks again

    def add(self, text: str) -> None:
        self.parts.append(text.rstrip("\n") + "\n\n")


def export_markdown(loaded: LoadedSession, *, secrets: Iterable[str | None] = ()) -> str:
    info = loaded.meta
    w = _Writer(costs=attribute(loaded.events))
    w.add(f"# {_one_line(info.display_title)}")
    rows = [
        ("Session", f"`{info.id}`"),
        ("Started", _when(info.created_at)),
        ("Providers and models", ", ".join(f"{p} / {m}" for p, m in info.provider_models) or "none"),
        ("Turns", str(info.turns)),
        ("Cost", info.cost_label),
    ]
    forked = info.meta.get("forked_from")
    if isinstance(forked, dict) and forked.get("session_id"):
        rows.append(("Forked from", f"`{forked['session_id']}`"))
    w.add("| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows))
    for event in loaded.events:
        _render(w, event)
    w.parts.extend(line + "\n\n" for line in w.usage_lines)
    for call_id in list(w.proposed):
        _tool_call(w, call_id, None)
    _summary(w)
    return Redactor(secrets).redact_text("".join(w.parts).rstrip("\n") + "\n")


def _render(w: _Writer, event: AgentEvent) -> None:
    w.ledger.apply(event)
    if w.usage_lines and not isinstance(event, MessageCommitted | UsageReported):
        for line in w.usage_lines:
            w.add(line)
        w.usage_lines.clear()
    if isinstance(event, TurnStarted):
        when = f"_{_when(event.ts)} · {event.provider} / {event.model}"
        if event.prompt.strip() or not w.turn:
            w.turn += 1
            w.add(f"## Turn {w.turn}\n\n{when}{_turn_cost(w)}_")
        else:  # /retry or /continue: the same turn goes on (its cost is the turn's, above)
            w.add(f"### {'Asked again' if w.dropped else 'Continued'}\n\n{when}_")
        w.dropped = False
    elif isinstance(event, MessageCommitted):
        _message(w, event.message)
    elif isinstance(event, PromptUnanswered):  # never committed: the history the model saw lacks it
        what = f"no answer: {event.reason}" if event.sent else "not sent"
        w.add(f"**You** — _{what}; left out of the conversation_:\n\n" + _quote(event.prompt))
    elif isinstance(event, ToolCallProposed):
        w.proposed[event.call_id] = event
    elif isinstance(event, ToolCallDecided):
        w.decided[event.call_id] = event
    elif isinstance(event, ToolCallFinished):
        _tool_call(w, event.call_id, event)
    elif isinstance(event, UsageReported) and (event.settled or not event.estimated):
        _usage(w, event)
    elif isinstance(event, Notice):
        prefix = {"info": "Note", "warning": "Warning", "error": "Error"}.get(event.level, "Note")
        w.add(_quote(f"**{prefix}:** {event.text}"))
    elif isinstance(event, ProviderSwitched):
        before = (
            f" from {event.previous_provider} / {event.previous_model}" if event.previous_provider else ""
        )
        why = " (failover)" if event.reason == "failover" else ""
        w.add(_quote(f"Switched to **{event.provider} / {event.model}**{before}{why}"))
    elif isinstance(event, TurnFailed):
        text = f"**Failed ({event.error_type}):** {event.error}"
        w.add(_quote(text + (f"\n\n{event.hint}" if event.hint else "")))
    elif isinstance(event, TurnCancelled):
        w.add(_quote("_Cancelled by the user._"))
    elif isinstance(event, HistoryCleared):
        w.add("---\n\n" + _quote(f"**{CLEARED_NOTICE}**"))


def _message(w: _Writer, message: dict[str, object]) -> None:
    blocks = [b for b in message.get("blocks") or [] if isinstance(b, dict)]  # type: ignore[attr-defined]
    texts = "\n\n".join(str(b.get("text") or "") for b in blocks if b.get("type") == "text").strip()
    if message.get("role") == "user":
        if texts:  # tool results are shown with their calls
            w.add("**You:**\n\n" + _quote(texts))
        return
    if not blocks and message.get("incomplete"):  # announced again empty: /retry took it out
        w.add(_quote("_The incomplete answer above was left out of the conversation, to be asked again._"))
        w.dropped = True
        return
    who = " / ".join(str(x) for x in (message.get("provider"), message.get("model")) if x)
    flag = " — _incomplete_" if message.get("incomplete") else ""
    w.add(f"**Assistant**{f' ({who})' if who else ''}{flag}:")
    for block in blocks:
        if block.get("type") == "thinking" and block.get("text"):
            w.add(f"<details><summary>Thinking</summary>\n\n{block['text']}\n\n</details>")
    if texts:
        w.add(texts)


def _tool_call(w: _Writer, call_id: str, finished: ToolCallFinished | None) -> None:
    proposed = w.proposed.pop(call_id, None)
    decided = w.decided.pop(call_id, None)
    name = proposed.name if proposed else "tool"
    facts = [finished.status if finished else "not finished"]
    if decided is not None:
        facts.append(decided.decision + (f" ({decided.reason})" if decided.reason else ""))
    if finished is not None and finished.duration:
        facts.append(f"{finished.duration:.2f} s")
    cost = w.costs.cost_line(call_id)
    if cost:
        facts.append(f"cost {cost}")
    w.add(f"**Tool `{name}`** — {' · '.join(facts)}")
    if proposed is not None:
        if proposed.input_error:
            w.add(f"Arguments could not be parsed: {proposed.input_error}")
        w.add("Arguments:\n\n" + _fence(json.dumps(proposed.input, indent=2, ensure_ascii=False), "json"))
    if finished is not None:
        result = finished.result
        if len(result) > MAX_RESULT_CHARS:
            result = (
                result[:MAX_RESULT_CHARS] + f"\n… ({len(finished.result) - MAX_RESULT_CHARS} more characters)"
            )
        w.add("Result:\n\n" + _fence(result, "text"))
        diff = finished.diff or (proposed.preview if proposed is not None else None)
        if diff:
            w.add("Diff:\n\n" + _fence(diff, "diff"))


def _usage(w: _Writer, event: UsageReported) -> None:
    cache = ""
    if event.cache_read_tokens or event.cache_write_tokens:
        cache = f" · cache read {event.cache_read_tokens} · cache write {event.cache_write_tokens}"
    w.usage_lines.append(
        f"_Usage ({event.provider} / {event.model}): in {event.input_tokens} · out {event.output_tokens}"
        f"{cache} · {format_cost(event.cost, estimated=event.estimated)}_"
    )


def _summary(w: _Writer) -> None:
    groups = w.ledger.by_model()
    if not groups:
        return
    lines = [
        "## Usage",
        "",
        "| Provider | Model | Replies | Input | Output | Cache read | Cache write | Cost |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    rows = [(provider, model, t) for (provider, model), t in groups.items()]
    for provider, model, t in [*rows, ("**Total**", "", w.ledger.session)]:
        figures = (t.replies, t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_write_tokens)
        cells = [provider, model, *map(str, figures), _cost(t)]
        lines.append("| " + " | ".join(cells).replace("|  |", "| |") + " |")  # "| |": no model
    w.add("\n".join(lines))


def _turn_cost(w: _Writer) -> str:
    turn = next((t for t in w.costs.turn_costs() if t.turn == w.turn), None)
    if turn is None or not turn.requests:
        return ""
    return f" · cost {format_cost(turn.cost, estimated=turn.estimated)} ({counted(turn.requests, 'request')})"


def _cost(t: UsageTotals) -> str:
    if t.cost is None:
        return "unpriced"
    return format_cost(t.cost, partial=bool(t.unpriced_models), estimated=t.estimated)


def _fence(text: str, lang: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
