"""Events to database rows and back.

One row per event, except streamed text: a run of consecutive deltas of one kind becomes one row
``{"text": joined, "parts": [[ts, length], ...]}``. Joining lets redaction see a key that was split
across deltas; the parts give back the original deltas, with their timestamps, for replay. When
redaction had to change the text the parts no longer fit it, and the run comes back as one delta.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from flux_tui.core.agent_events import (
    EVENT_TYPES,
    AgentEvent,
    TextDelta,
    ThinkingDelta,
    event_from_dict,
    event_to_dict,
)
from flux_tui.core.redact import Redactor

from .models import SessionFormatError

log = logging.getLogger(__name__)

DELTA_KINDS = frozenset({TextDelta.kind, ThinkingDelta.kind})

Row = tuple[float, str, str]  # (ts, kind, payload JSON)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def encode_events(events: Sequence[AgentEvent], redactor: Redactor) -> list[Row]:
    rows: list[Row] = []
    index = 0
    while index < len(events):
        event = events[index]
        if event.kind in DELTA_KINDS:
            end = index
            while end < len(events) and events[end].kind == event.kind:
                end += 1
            rows.append(_encode_run(events[index:end], redactor))
            index = end
            continue
        data = event_to_dict(event)
        del data["kind"]
        ts = float(data.pop("ts"))
        rows.append((ts, event.kind, dumps(redactor.redact(data))))
        index += 1
    return rows


def _encode_run(run: Sequence[AgentEvent], redactor: Redactor) -> Row:
    texts = [getattr(e, "text", "") for e in run]
    joined = "".join(texts)
    clean = redactor.redact_text(joined)
    payload: dict[str, Any] = {"text": clean}
    if len(run) > 1 and clean == joined:
        payload["parts"] = [[e.ts, len(t)] for e, t in zip(run, texts, strict=True)]
    return (float(run[0].ts), run[0].kind, dumps(payload))


def decode_row(ts: float, kind: str, payload: str, *, split: bool = True) -> list[AgentEvent]:
    """The events of one row; a row of an unknown kind (a newer flux-tui wrote it) is skipped.

    ``split=False``: a run of deltas comes back as one delta (its whole text, its first timestamp), for
    showing a session rather than replaying it: a long conversation is then thousands of events to
    apply instead of tens of thousands."""
    if kind not in EVENT_TYPES:
        log.warning("skipping a stored event of unknown kind %r", kind)
        return []
    try:
        data = json.loads(payload)
        parts = data.pop("parts", None) if kind in DELTA_KINDS else None
        if parts and split:
            text = data["text"]
            cls = EVENT_TYPES[kind]
            events: list[AgentEvent] = []
            pos = 0
            for part_ts, size in parts:
                events.append(cls(ts=float(part_ts), text=text[pos : pos + size]))  # type: ignore[call-arg]
                pos += size
            return events
        data["kind"] = kind
        data["ts"] = ts
        return [event_from_dict(data)]
    except (ValueError, TypeError, KeyError) as exc:
        raise SessionFormatError(f"a stored {kind} event cannot be read: {exc}") from exc
