"""Make a pasted prompt safe to send: no binary junk, no terminal escapes, bounded size.

``sanitize_prompt`` runs before a prompt reaches the agent (the TUI calls it on submit, headless on
its argument). It keeps text, newlines and tabs; it removes NULs and other control characters, ANSI
escape sequences and lone surrogates (bytes that were not UTF-8), which providers reject or which
could garble the terminal; and it caps the size, marking the cut in the text so the model knows.
Linear time, so a multi-megabyte paste costs milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .terminal_text import CONTROL_CHARACTER, ESCAPE_SEQUENCE
from .wording import counted

#: Roughly 50k tokens: far more than a prompt needs, far less than what freezes a widget or a request.
DEFAULT_MAX_PROMPT_CHARS = 200_000

# The same sequences and characters as what is printed to a terminal (\r is normalised first).
_ANSI = ESCAPE_SEQUENCE
_CONTROL = CONTROL_CHARACTER
_NEWLINES = re.compile(r"\r\n?")
# Prefer cutting at a line end this close to the limit, so the last line is whole.
_LINE_SLACK = 2_000


@dataclass(frozen=True, slots=True)
class CleanPrompt:
    text: str
    removed: int = 0  # characters removed: control characters and escape sequences
    truncated: int = 0  # characters cut off the end
    binary: bool = False  # so much was removed that the paste looks like binary data

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.truncated)

    @property
    def notes(self) -> list[str]:
        """What to tell the user (empty when nothing changed)."""
        notes: list[str] = []
        if self.binary:
            notes.append(
                f"The pasted text looks like binary data: {self.removed:,} characters of control codes "
                "were removed."
            )
        elif self.removed:
            were = "was" if self.removed == 1 else "were"
            notes.append(
                f"{counted(self.removed, 'character')} of control codes or terminal escapes {were} removed "
                "from the prompt."
            )
        if self.truncated:
            notes.append(f"The prompt was too long: the last {self.truncated:,} characters were cut.")
        return notes


def sanitize_prompt(text: str, *, max_chars: int = DEFAULT_MAX_PROMPT_CHARS) -> CleanPrompt:
    """The prompt as it should be sent, and what was changed (see module docstring)."""
    original = len(text)
    # Bound the work on giant pastes before the regexes run over them.
    budget = max_chars * 4 + 4096
    head = text[:budget] if original > budget else text
    head = _NEWLINES.sub("\n", head)
    before = len(head)
    head = _ANSI.sub("", head)
    head = _CONTROL.sub("", head)
    removed = before - len(head)
    binary = before > 64 and removed > before * 0.1
    truncated = max(0, original - budget)  # never even looked at
    if len(head) > max_chars:
        cut = head.rfind("\n", max(0, max_chars - _LINE_SLACK), max_chars)
        cut = cut if cut > 0 else max_chars
        truncated += len(head) - cut
        head = head[:cut]
    if truncated:
        head = head.rstrip() + f"\n\n[… {truncated:,} characters cut by flux-tui: the paste was too long …]"
    return CleanPrompt(head, removed=removed, truncated=truncated, binary=binary)
