"""A stored prompt is what the user typed, then a ``<context>`` block with what ``@path`` and
``!command`` attached. Every view of a prompt (the chat, ``/history``, the fork dialog, the search
index) shows it through ``split_context`` or ``prompt_as_typed``: what was typed, and the names of what
was attached, never the attached contents or the block's tags."""

from __future__ import annotations

import re

CONTEXT_OPEN = "\n\n<context>\n"
CONTEXT_CLOSE = "</context>"
ATTACHED_MARK = "📎"
_ATTACHED_NAME = re.compile(r'^<(file|directory|command) (?:path|line)="([^"]*)"', re.MULTILINE)


def split_context(prompt: str) -> tuple[str, list[str]]:
    """(what the user typed, the names of what was attached; ``!`` before a command line)."""
    head, sep, tail = prompt.partition(CONTEXT_OPEN)
    if not sep or not tail.rstrip().endswith(CONTEXT_CLOSE):
        return prompt, []
    import html  # here: its entity table is 2,000 names, and only a prompt with attachments needs it

    found = _ATTACHED_NAME.findall(tail)
    names = [("!" if kind == "command" else "") + html.unescape(name) for kind, name in found]
    return head, names


def attached_line(names: list[str]) -> str:
    return f"{ATTACHED_MARK} {', '.join(names)}" if names else ""


def prompt_as_typed(prompt: str) -> str:
    """What the user typed, then a line naming what was attached (if anything was)."""
    typed, names = split_context(prompt)
    return f"{typed}\n{attached_line(names)}" if names else typed
