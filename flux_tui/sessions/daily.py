"""What the sessions of a data dir spent today: the figure ``budget_usd_per_day`` is checked against.

It sums the final (or settled) usage events stored since local midnight, as the sessions list does, so
the daily figure and the per-session ones agree; in a fork or an import, only those stored after it was
copied (``COPIED_AT``): what it copied was spent by its original, at the original's times.
"""

from __future__ import annotations

import json

from flux_tui.core.budget import spent_in

from .codec import decode_row
from .models import copied_at
from .store import SessionStore


def spent_since(store: SessionStore, since: float, *, exclude_session: str | None = None) -> float:
    """USD of the priced replies stored since ``since``, leaving out ``exclude_session``."""
    with store._db() as conn:
        copied = conn.execute(
            "SELECT id, meta FROM sessions WHERE updated_at >= ? AND id IS NOT ?", (since, exclude_session)
        ).fetchall()
        rows = conn.execute(
            """SELECT session_id, ts, kind, payload FROM events
               WHERE session_id IN (SELECT id FROM sessions WHERE updated_at >= ? AND id IS NOT ?)
                 AND kind = 'usage' AND ts >= ?""",
            (since, exclude_session, since),
        ).fetchall()
    starts = {session_id: copied_at(json.loads(meta or "{}")) or 0.0 for session_id, meta in copied}
    kept = (row for session_id, *row in rows if row[0] >= starts.get(session_id, 0.0))
    return spent_in(event for row in kept for event in decode_row(*row))
