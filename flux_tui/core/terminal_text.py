"""Text from outside (a model, a tool, an imported file) made safe to print on a terminal.

A terminal acts on escape and control sequences in what it prints: a model's answer or a session
title could retitle the window, write the clipboard (OSC 52), move the cursor over earlier lines, hide
text or reset the screen. ``terminal_safe`` removes all of them, keeping the text: CSI sequences,
OSC/DCS/SOS/PM/APC strings, other escapes, the C0 controls but newline and tab (a carriage return
could overwrite a line), DEL, the C1 controls, and lone surrogates (which cannot be encoded to print).

``TerminalFilter`` does the same for text that arrives in pieces (a streamed answer), holding back
the start of a sequence cut between two pieces until the rest arrives; ``terminal_streams`` wraps
the streams of a headless command with it.
"""

from __future__ import annotations

import io
import re
from typing import TextIO, cast

# CSI (7- or 8-bit introducer, parameters, intermediates, final byte); the control strings OSC, DCS,
# SOS, PM and APC up to BEL or ST (an unterminated one ends at the line, so no more text is lost);
# then any other escape (intermediates and a final byte: charset selection, RIS, DECALN, ...).
ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
# What is left of control characters after the sequences are gone: C0 but \t and \n, DEL, C1, and
# lone surrogates (bytes that were not UTF-8).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CRLF = re.compile(r"\r\n")
# The start of a sequence (or a CR that may pair with a LF) at the very end of a piece.
_UNFINISHED = re.compile(
    r"(?:\x1b(?:\[[0-?]*[ -/]*|[\]PX^_][^\x07\x1b\x9c\n]*\x1b?|[ -/]*)?"
    r"|\x9b[0-?]*[ -/]*|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*\x1b?|\r)\Z"
)
_MAX_HELD = 4096  # a "sequence" longer than this is not one: let it through (cleaned) rather than wait


def terminal_safe(text: str) -> str:
    """``text`` without escape sequences and control characters (newlines and tabs kept)."""
    if not text or (text.isprintable() and "\x1b" not in text):
        return text
    return CONTROL_CHARACTER.sub("", ESCAPE_SEQUENCE.sub("", _CRLF.sub("\n", text)))


class TerminalFilter:
    """``terminal_safe`` for a stream: ``feed`` each piece, print what it returns, then ``flush``."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        match = _UNFINISHED.search(text)
        if match is not None and len(text) - match.start() <= _MAX_HELD:
            text, self._held = text[: match.start()], text[match.start() :]
        else:
            self._held = ""
        return terminal_safe(text)

    def flush(self) -> str:
        """What is still held (an unfinished sequence at the end of the stream), cleaned."""
        text, self._held = self._held, ""
        return terminal_safe(text)


class TerminalStream(io.TextIOBase):
    """A text stream that passes what is written through a ``TerminalFilter`` to ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._filter = TerminalFilter()

    def write(self, text: str) -> int:
        self.stream.write(self._filter.feed(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return is_terminal(self.stream)


def is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # no such method, or closed
        return False


def terminal_streams(out: TextIO, err: TextIO) -> tuple[TextIO, TextIO]:
    """The streams a headless command prints through: standard error always cleaned (diagnostics for a
    person), standard output only when it is a terminal (a redirected answer is data, kept exact)."""
    safe_out = TerminalStream(out) if is_terminal(out) and not isinstance(out, TerminalStream) else out
    safe_err = err if isinstance(err, TerminalStream) else TerminalStream(err)
    return cast(TextIO, safe_out), cast(TextIO, safe_err)
