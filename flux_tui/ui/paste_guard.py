"""A bracketed paste reaches the app as one paste, whatever escape characters it holds.

Textual's terminal parser (``XTermParser``) leaves a bracketed paste at the first ESC inside it: what
follows the escape comes out as key presses, so an Enter in the pasted text sends the prompt, a line
starting with ``!`` after it runs as a shell command, and the rest of the text arrives out of order.
Text copied from a terminal (coloured output, a log) holds such escapes.

``PasteGuard`` sits in front of the parser: it passes everything outside a paste through as it comes,
and holds the text between the paste's start and end markers until the end marker has arrived, then
hands the parser the text without its escape sequences (they are not text: colours, cursor moves),
followed by the end marker. The parser then sees a paste with no ESC in it and makes it one
``Paste`` event, as it does for any other. Markers cut between two reads of the terminal are found.
A paste that holds the markers itself (text crafted to break out of the paste) ends at the last end
marker read with it, so what follows a false one is not taken for keys. Most terminals take the
marker out of what they paste; tmux's ``paste-buffer -p`` does not.

``guarded_feed`` is ``XTermParser.feed`` with a guard per parser; ``textual_patches`` puts it in place
under the same gate as its other fixes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._xterm_parser import XTermParser

from flux_tui.core.terminal_text import ESCAPE_SEQUENCE

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
_WINDOW = len(PASTE_END) - 1  # the most of a marker one read can end with
_ATTRIBUTE = "_flux_paste_guard"

original_feed = XTermParser.feed


def without_escapes(text: str) -> str:
    """``text`` with its escape sequences and any lone ESC removed; other characters kept."""
    if ESC not in text:
        return text
    return ESCAPE_SEQUENCE.sub("", text).replace(ESC, "")


class PasteGuard:
    """``feed`` each read of the terminal; pass on what it returns (see the module's docstring)."""

    def __init__(self) -> None:
        self._in_paste = False
        self._recent = ""  # the last characters seen, where a marker may have started
        self._paste: list[str] = []

    def feed(self, data: str) -> str:
        out: list[str] = []
        while data:
            window = self._recent + data
            if self._in_paste:
                self._paste.append(data)
                end = window.find(PASTE_END)
                if end < 0:
                    self._recent = window[-_WINDOW:]
                    break
                held = "".join(self._paste)
                cut = _real_end(held, len(held) - len(window) + end)
                out.append(without_escapes(held[:cut]))
                out.append(PASTE_END)
                data = held[cut + len(PASTE_END) :]
                self._paste.clear()
                self._in_paste = False
            else:
                start = window.find(PASTE_START)
                if start < 0:
                    out.append(data)
                    self._recent = window[-_WINDOW:]
                    break
                cut = start + len(PASTE_START) - len(self._recent)  # past the marker, in ``data``
                out.append(data[:cut])
                data = data[cut:]
                self._in_paste = True
            self._recent = ""
        return "".join(out)


def _real_end(text: str, end: int) -> int:
    """Where the paste ends in ``text``, given its first end marker at ``end``: at the last end marker
    read with it. A terminal sends one end marker after the pasted text; more of them in one read mean
    the text held the markers itself (a crafted paste: an end marker, a command and an Enter, maybe a
    start marker to balance them), and what came between them is still pasted text, not keys to act
    on. Two real pastes read together become one, which changes nothing for what is typed."""
    return text.rfind(PASTE_END, end)


def guarded_feed(self: XTermParser, data: str) -> Iterable[Any]:
    """``XTermParser.feed`` through the parser's own ``PasteGuard``."""
    guard = self.__dict__.get(_ATTRIBUTE)
    if guard is None:
        guard = self.__dict__[_ATTRIBUTE] = PasteGuard()
    if not data:  # the end of input: the parser's own
        return original_feed(self, data)
    text = guard.feed(data)
    return original_feed(self, text) if text else ()


def splits_a_paste(current: object) -> bool:
    """Whether the installed parser's ``feed`` still breaks a paste at an ESC inside it."""
    parser = XTermParser()
    tokens = list(current(parser, f"{PASTE_START}a{ESC}[1mb{PASTE_END}"))  # type: ignore[operator]
    return [type(token).__name__ for token in tokens] != ["Paste"]
