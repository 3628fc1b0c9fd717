"""Typing into a pane that takes no text (the chat after a click or a drag-select) goes to the prompt.

A printable key moves the focus to the prompt and is inserted there; Enter sends what the prompt holds.
Neither is lost on the way: the focus moves at once, so the keys the app has not handed on yet find the
prompt, and those of the same burst already queued at the pane (the app hands on a burst's keys before
the pane reads the first) are inserted by the pane, in order, though the prompt has the focus by then.
(Tab needs nothing: moving the focus on from the chat lands on the prompt.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from flux_tui.ui.widgets.prompt_input import PromptInput


class TypesIntoPrompt:
    """Mixin for a focusable widget without text entry; the app sets ``prompt`` once mounted."""

    prompt: PromptInput | None = None

    def on_key(self, event: events.Key) -> None:
        prompt = self.prompt
        if prompt is None or prompt.disabled:
            return
        focused = prompt.app.focused
        if focused is not prompt and isinstance(focused, Input | TextArea):
            return  # a text box inside the pane takes its own keys
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            prompt.app.set_focus(prompt)
            prompt.submit()
        elif event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            prompt.app.set_focus(prompt)  # now, not after a refresh: the keys that follow go there too
            prompt.insert(event.character)
