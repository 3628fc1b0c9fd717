"""Session persistence: the SQLite store, the recording sink, resume, fork, export/import, replay.

Imports only ``flux_tui.core``; nothing here knows Textual.

Typical use::

    store = SessionStore()                                   # <data dir>/sessions.db
    recorder = SessionRecorder(store, secrets=config_keys)   # an agent-event sink
    agent = Agent(..., sinks=[ui_sink, recorder])
    ...
    loaded = store.load(store.latest_session_id())           # resume: loaded.transcript
    player = ReplayPlayer(loaded.events, ui_sink, speed=1.0) # replay: await player.play()
"""

from __future__ import annotations

from .demo import demo_session_path, load_demo
from .jsonl import export_jsonl, import_jsonl, load_jsonl, parse_jsonl
from .markdown import export_markdown
from .models import (
    LoadedSession,
    SearchHit,
    SessionError,
    SessionFormatError,
    SessionInfo,
    SessionNotFoundError,
    SessionStoreError,
    format_cost,
)
from .paths import data_dir, default_db_path
from .rebuild import INTERRUPTED_ERROR_TYPE
from .recorder import SessionRecorder
from .replay import SPEEDS, ReplayPlayer
from .schema import SCHEMA_VERSION
from .store import SessionStore

__all__ = [
    "INTERRUPTED_ERROR_TYPE",
    "SCHEMA_VERSION",
    "SPEEDS",
    "LoadedSession",
    "ReplayPlayer",
    "SearchHit",
    "SessionError",
    "SessionFormatError",
    "SessionInfo",
    "SessionNotFoundError",
    "SessionRecorder",
    "SessionStore",
    "SessionStoreError",
    "data_dir",
    "default_db_path",
    "demo_session_path",
    "export_jsonl",
    "export_markdown",
    "format_cost",
    "import_jsonl",
    "load_demo",
    "load_jsonl",
    "parse_jsonl",
]
