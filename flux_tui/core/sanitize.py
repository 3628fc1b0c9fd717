"""Make a pasted prompt safe to send: no binary junk, no terminal escapes, bounded size.

``sanitize_prompt`` runs before a prompt reaches the agent (the TUI calls it on submit, headless on
its argument). It keeps text, newlines and tabs; it removes NULs and other control characters, ANSI
escape sequences and lone surrogates (bytes that were not UTF-8), which providers reject or which
could garble the terminal; and it caps the size, marking the cut in the text so the model knows. The
cut is in the middle: the start of the prompt and its end are kept, since what was typed around a long
paste (the question it is for) is there. Linear time, so a multi-megabyte paste costs milliseconds.
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
#: What is kept of the end of a prompt cut in its middle (a quarter of the cap, at the most).
TAIL_CHARS = 4_000


@dataclass(frozen=True, slots=True)
class CleanPrompt:
    text: str
    removed: int = 0  # characters removed: control characters and escape sequences
    truncated: int = 0  # characters cut out of the middle
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
            notes.append(
                f"The prompt was too long: {self.truncated:,} characters were cut out of its middle "
                "(its start and its end are sent)."
            )
        return notes


def sanitize_prompt(text: str, *, max_chars: int = DEFAULT_MAX_PROMPT_CHARS) -> CleanPrompt:
    """The prompt as it should be sent, and what was changed (see module docstring)."""
    original = len(text)
    # Bound the work on giant pastes before the regexes run over them: their middle is never looked at.
    look, look_tail = max_chars * 4 + 4096, TAIL_CHARS * 4
    skipped = max(0, original - look - look_tail)
    parts = [text[:look], text[-look_tail:]] if skipped else [text]
    cleaned: list[str] = []
    removed = seen = 0
    for part in parts:
        part = _NEWLINES.sub("\n", part)
        seen += len(part)
        clean = _CONTROL.sub("", _ANSI.sub("", part))
        removed += len(part) - len(clean)
        cleaned.append(clean)
    binary = seen > 64 and removed > seen * 0.1
    head, tail = cleaned[0], cleaned[-1]  # the same text when nothing was skipped
    if not skipped and len(head) <= max_chars:
        return CleanPrompt(head, removed=removed, binary=binary)
    keep_tail = min(TAIL_CHARS, max_chars // 4)
    keep_head = max_chars - keep_tail
    cut = head.rfind("\n", max(0, keep_head - _LINE_SLACK), keep_head)
    cut = cut if cut > 0 else keep_head
    start = len(tail) - keep_tail
    line = tail.find("\n", start, start + _LINE_SLACK)
    start = line + 1 if line >= 0 else start
    truncated = (len(head) - cut) + skipped + start if skipped else start - cut
    marker = f"[… {truncated:,} characters cut by flux-tui: the prompt was too long …]"
    text = f"{head[:cut].rstrip()}\n\n{marker}\n\n{tail[start:].lstrip()}"
    return CleanPrompt(text, removed=removed, truncated=truncated, binary=binary)
