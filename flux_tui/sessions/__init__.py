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

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Each name's module, imported when the name is first asked for: the app's first frame needs the
# store and the recorder, not export, import, the demo or replay.
_HOMES = {
    "demo_session_path": "demo",
    "load_demo": "demo",
    "export_jsonl": "jsonl",
    "import_jsonl": "jsonl",
    "load_jsonl": "jsonl",
    "parse_jsonl": "jsonl",
    "export_markdown": "markdown",
    "LoadedSession": "models",
    "SearchHit": "models",
    "SessionError": "models",
    "SessionFormatError": "models",
    "SessionInfo": "models",
    "SessionNotFoundError": "models",
    "SessionStoreError": "models",
    "format_cost": "models",
    "data_dir": "paths",
    "default_db_path": "paths",
    "INTERRUPTED_ERROR_TYPE": "rebuild",
    "SessionRecorder": "recorder",
    "SPEEDS": "replay",
    "ReplayPlayer": "replay",
    "SCHEMA_VERSION": "schema",
    "SessionStore": "store",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
