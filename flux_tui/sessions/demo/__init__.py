"""The offline demo session shipped with the package (``flux-tui replay --demo``).

``demo_session.jsonl`` is a JSONL export recorded by running the app against the project's test API
server; it is package data, read without any database, key or network.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..jsonl import load_jsonl
from ..models import LoadedSession

DEMO_FILENAME = "demo_session.jsonl"


def demo_session_path() -> Path:
    """Where the demo recording lives inside the installed package (it may not exist in a checkout
    until it has been recorded)."""
    return Path(str(resources.files(__name__).joinpath(DEMO_FILENAME)))


def load_demo() -> LoadedSession:
    """The demo session, ready to replay; ``FileNotFoundError`` if the package ships none."""
    path = demo_session_path()
    if not path.is_file():
        raise FileNotFoundError(f"the demo session is missing from this installation ({path})")
    return load_jsonl(path.read_text(encoding="utf-8"))
