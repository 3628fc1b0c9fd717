"""Child process for the lease tests: records into a session (holding its lease), says so, waits.

Usage: python lease_holder_child.py DB_PATH SESSION_ID
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from flux_tui.core.agent_events import Notice
from flux_tui.sessions import SessionRecorder, SessionStore

if __name__ == "__main__":
    store = SessionStore(Path(sys.argv[1]))
    recorder = SessionRecorder(store, sys.argv[2])
    recorder(Notice(level="info", text="the other process was here"))
    print("holding", flush=True)
    time.sleep(120)
