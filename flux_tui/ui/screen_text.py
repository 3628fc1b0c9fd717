"""Text from outside (a model, a tool, an endpoint, a stored session) as the screen may draw it.

A terminal acts on the escape sequences and control characters in what it is sent, and Textual sends a
line's text as it is: an answer could recolour or hide what is drawn, retitle the window or write the
clipboard (OSC 52). ``drawable`` gives an agent event the conversation screen shows, or a tool call a
dialog asks about, with its text made ``terminal_safe``. The deltas of an answer or its reasoning are
left as they are, many a second in a fast stream: their text is made safe where it is drawn, once a
block (``markdown_lines``, ``ThinkingView``).
"""

from __future__ import annotations

from dataclasses import fields, replace
from functools import cache
from typing import Any, TypeVar

from flux_tui.core.agent_events import MessageCommitted, TextDelta, ThinkingDelta
from flux_tui.core.terminal_text import terminal_safe

Item = TypeVar("Item", bound=object)
#: The events whose text is made safe where it is drawn, not as they come (the module's docstring).
DELTAS = frozenset({TextDelta, ThinkingDelta})
# Events no widget draws text from: the history's messages (a resumed session holds thousands).
_NOT_DRAWN = DELTAS | {MessageCommitted}


def drawable(item: Item) -> Item:
    """``item`` (an agent event, an approval request: a dataclass) with the control sequences in its
    text removed; itself when it has none."""
    if type(item) in _NOT_DRAWN:
        return item
    changes = {}
    for name in _text_fields(type(item)):
        value = getattr(item, name)
        clean = _clean(value)
        if clean is not value:
            changes[name] = clean
    return replace(item, **changes) if changes else item  # type: ignore[type-var]


@cache
def _text_fields(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass that may hold text, by their annotations (numbers and flags do not)."""
    words = ("str", "dict", "list", "tuple", "Any")
    return tuple(field.name for field in fields(kind) if any(word in str(field.type) for word in words))


def _clean(value: Any) -> Any:
    """``value`` (text, or a JSON-like value holding some) made safe; the same object when it was."""
    if isinstance(value, str):
        clean = terminal_safe(value)
        return value if clean == value else clean
    if isinstance(value, dict):
        items = {key: _clean(item) for key, item in value.items()}
        return value if all(items[key] is item for key, item in value.items()) else items
    if isinstance(value, list | tuple):
        cleaned = [_clean(item) for item in value]
        same = all(new is old for new, old in zip(cleaned, value, strict=True))
        return value if same else type(value)(cleaned)
    return value
