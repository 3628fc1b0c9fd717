"""Text editors take their keys in the order they were typed.

Textual runs a widget's own key bindings (ctrl+j, backspace, the arrows...) only after the key has
bubbled from the widget up to the app, while the characters typed after it are inserted by the widget
as soon as it reads them. When a terminal delivers several keys at once (fast typing, a paste without
bracketed paste, a key repeat), the widget has already inserted the characters that came after a
bound key when the key's binding runs: ``ctrl+j`` then ``abc`` gave ``abc\\n``, backspace deleted
the character typed after it.

``apply()`` makes ``TextArea`` and ``Input`` (the prompt and every text field of the app) run their own
bindings for a key when they read it, in order with the characters around it. A key they have no
binding for (or whose action is disabled) goes on as before, up to the screen's and the app's bindings.
Printable keys are left to the editor: it inserts them. ``apply()`` is idempotent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

KeyHandler = Callable[[Any, events.Key], Awaitable[None]]


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run ``widget``'s own (non-priority) binding for ``event`` now; True when one handled it."""
    if event.is_printable:
        return False
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if binding.priority:
            continue  # priority bindings are the app's, run before the key reached the widget
        if await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


def _in_order(original: KeyHandler) -> KeyHandler:
    async def _on_key(self: Widget, event: events.Key) -> None:
        if await run_own_binding(self, event):
            return
        await original(self, event)

    _on_key.in_order = True  # type: ignore[attr-defined]
    return _on_key


def apply() -> bool:
    """Patch the editors that do not run their bindings in order yet; whether anything was patched."""
    patched = False
    for editor in (TextArea, Input):
        handler = editor.__dict__["_on_key"]
        if not getattr(handler, "in_order", False):
            editor._on_key = _in_order(handler)  # type: ignore[method-assign]
            patched = True
    return patched
