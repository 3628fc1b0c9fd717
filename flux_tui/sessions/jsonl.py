"""JSONL export and import: a header line, then one event per line (``event_to_dict``).

Export → import → export gives the same events; the imported session's title is marked "(imported)"
(``titles``) and its metadata says where it came from (``imported_from``), so it is told apart from its
source, and its id changes if the exported one is taken in the target store. What is exported is what
``load`` gives, repairs included, so an imported session needs none.
An id that is not a safe one (``is_safe_session_id``: it would become part of file names and be printed
on terminals) is replaced by a fresh one on import, the original kept in the metadata as ``imported_id``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from flux_tui.core.agent_events import EVENT_TYPES, AgentEvent, event_from_dict, event_to_dict
from flux_tui.core.redact import Redactor

from .codec import dumps
from .models import COPIED_AT, UNTITLED, LoadedSession, SessionFormatError, SessionInfo, is_safe_session_id
from .rebuild import rebuild
from .schema import SCHEMA_VERSION
from .store import SessionStore, new_session_id
from .summary import summarise
from .titles import IMPORT_MARK, marked

FORMAT = "flux-tui-session"
FORMAT_VERSION = 1


def export_jsonl(loaded: LoadedSession, *, secrets: Iterable[str | None] = ()) -> str:
    redactor = Redactor(secrets)
    info = loaded.meta
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "session": {
            "id": info.id,
            "title": info.title,
            "title_custom": info.title_custom,
            "created_at": info.created_at,
            "updated_at": info.updated_at,
            "meta": info.meta,
        },
    }
    lines = [dumps(redactor.redact(header))]
    lines.extend(dumps(redactor.redact(event_to_dict(event))) for event in loaded.events)
    return "\n".join(lines) + "\n"


def parse_jsonl(text: str) -> tuple[dict[str, Any], list[AgentEvent]]:
    """The header's ``session`` object and the events; ``SessionFormatError`` names the bad line."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise SessionFormatError("the file is empty: expected a flux-tui session export (JSONL)")
    header = _json_line(*lines[0])
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SessionFormatError(f"line {lines[0][0]}: not a flux-tui session export (no {FORMAT!r} header)")
    version = header.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise SessionFormatError(
            f"line {lines[0][0]}: export format version {version!r} is newer than this flux-tui reads "
            f"({FORMAT_VERSION}); upgrade flux-tui"
        )
    session = header.get("session")
    if not isinstance(session, dict):
        raise SessionFormatError(f"line {lines[0][0]}: the header has no session object")
    events: list[AgentEvent] = []
    for number, line in lines[1:]:
        data = _json_line(number, line)
        if not isinstance(data, dict) or data.get("kind") not in EVENT_TYPES:
            kind = data.get("kind") if isinstance(data, dict) else None
            raise SessionFormatError(f"line {number}: not an event (kind {kind!r})")
        try:
            events.append(event_from_dict(data))
        except TypeError as exc:
            raise SessionFormatError(f"line {number}: a {data['kind']} event with bad fields: {exc}") from exc
    return session, events


def load_jsonl(text: str) -> LoadedSession:
    """An export as a ``LoadedSession`` without touching any database (``replay --demo``)."""
    session, events = parse_jsonl(text)
    rebuilt = rebuild(events)
    summary = summarise(rebuilt.events)
    meta = session.get("meta") if isinstance(session.get("meta"), dict) else {}
    created = float(session.get("created_at") or (events[0].ts if events else 0.0))
    info = SessionInfo(
        id=session["id"] if is_safe_session_id(session.get("id")) else new_session_id(),
        title=session.get("title") or summary.title,
        created_at=created,
        updated_at=max([created, *(e.ts for e in events)]),
        turns=summary.turns,
        provider_models=tuple((p, m) for p, m, _ in summary.models),
        cost=None if summary.priced_replies == 0 and summary.unpriced_replies else summary.cost,
        unpriced=summary.unpriced_replies > 0,
        input_tokens=summary.input_tokens,
        output_tokens=summary.output_tokens,
        title_custom=bool(session.get("title_custom")),
        meta=dict(meta or {}),
    )
    file_context = info.meta.get("file_context")
    if isinstance(file_context, str):
        rebuilt.transcript.file_context = file_context
    return LoadedSession(
        meta=info, events=rebuilt.events, transcript=rebuilt.transcript, repaired=rebuilt.repaired
    )


def import_jsonl(store: SessionStore, text: str, *, secrets: Iterable[str | None] = ()) -> str:
    """Store an export as a session; returns its id (the exported one unless the store has it)."""
    session, events = parse_jsonl(text)
    wanted = session.get("id")
    safe = is_safe_session_id(wanted)
    session_id = wanted if safe and not _taken(store, wanted) else None
    title = session.get("title")
    if not isinstance(title, str) or not title.strip():
        title = summarise(events).title or UNTITLED
    created = session.get("created_at")
    meta = dict(session["meta"]) if isinstance(session.get("meta"), dict) else {}
    if wanted is not None and not safe:
        meta["imported_id"] = str(wanted)  # kept as data, never as a name (see is_safe_session_id)
    if safe:
        meta["imported_from"] = wanted
    meta[COPIED_AT] = time.time()
    new_id = store.create_session(
        marked(title, IMPORT_MARK),
        session_id=session_id,
        created_at=float(created) if isinstance(created, int | float) else None,
        meta=meta or None,
        title_custom=bool(session.get("title_custom")),
    )
    try:
        store.append(new_id, events, redactor=Redactor(secrets))
    except BaseException:
        store.delete(new_id)  # no half-imported session
        raise
    return new_id


def _taken(store: SessionStore, session_id: str) -> bool:
    try:
        store.get(session_id)
    except LookupError:
        return False
    return True


def _json_line(number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise SessionFormatError(f"line {number}: invalid JSON ({exc.msg})") from exc
