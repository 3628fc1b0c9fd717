"""Keys typed before the app could read the terminal (``typeahead.take_early``) reach it first.

They are read into the app's events by Textual's own terminal parser, the one its driver reads the
keyboard with, so each key arrives as it would have from the driver (Enter, a pasted line, an arrow
key). Posted before the app runs, they are the first messages in its queue: the keys the driver reads
later come after them, and all of them wait for the prompt (``FluxApp.on_event``).

The parser is a private module of Textual; without it (a Textual that moved it) the keys are dropped
and the log says so.
"""

from __future__ import annotations

import logging

from textual.app import App

log = logging.getLogger(__name__)


def post_early_keys(app: App[object], typed: bytes) -> int:
    """Post the key events of ``typed`` (raw terminal input) to ``app``; returns how many."""
    if not typed:
        return 0
    try:
        from textual._xterm_parser import XTermParser
    except ImportError:
        log.info("keys typed while the app started are dropped: Textual has no textual._xterm_parser")
        return 0
    parser = XTermParser()
    text = typed.decode("utf-8", errors="replace")
    events = [*parser.feed(text), *parser.feed("")]
    for event in events:
        app.post_message(event.set_sender(app))
    return len(events)
