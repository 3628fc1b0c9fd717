"""What the sessions of a data dir spent today: the figure ``budget_usd_per_day`` is checked against.

It sums the final (or settled) usage events stored since local midnight, as the sessions list does, so
the daily figure and the per-session ones agree; in a fork or an import, only those stored after it was
copied (``COPIED_AT``): what it copied was spent by its original, at the original's times.
"""

from __future__ import annotations

import json

from flux_tui.core.agent_events import UsageReported
from flux_tui.core.budget import start_of_today

from .codec import decode_row
from .models import COPIED_AT
from .store import SessionStore

__all__ = ["spent_since", "start_of_today"]


def spent_since(store: SessionStore, since: float, *, exclude_session: str | None = None) -> float:
    """USD of the priced replies stored since ``since``, leaving out ``exclude_session``."""
    with store._db() as conn:
        sessions = conn.execute(
            "SELECT id, meta FROM sessions WHERE updated_at >= ? AND id IS NOT ?", (since, exclude_session)
        ).fetchall()
        rows = []
        for session_id, meta in sessions:
            copied = json.loads(meta or "{}").get(COPIED_AT)
            start = max(since, copied) if isinstance(copied, int | float) else since
            rows += conn.execute(
                "SELECT ts, kind, payload FROM events WHERE session_id = ? AND kind = 'usage' AND ts >= ?",
                (session_id, start),
            ).fetchall()
    total = 0.0
    for row in rows:
        for event in decode_row(*row):
            if isinstance(event, UsageReported) and (event.settled or not event.estimated) and event.cost:
                total += event.cost
    return total
