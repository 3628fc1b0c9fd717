"""Typing into a pane that takes no text (the chat after a click or a drag-select, the tool inspector)
goes to the prompt.

A printable key moves the focus to the prompt and is inserted there; Enter sends what the prompt holds
(in the chat; in the inspector it opens a call). Neither is lost on the way: the focus moves at once, so
the keys the app has not handed on yet find the prompt, and those of the same burst already queued at
the pane (the app hands on a burst's keys before the pane reads the first) are applied by the pane, in
order, though the prompt has the focus by then: a character is inserted, and an editing key (Backspace,
an arrow, ctrl+h) runs the prompt's own binding for it then, not after the characters typed after it.
A key that deletes text (Backspace, Delete, ctrl+h, ctrl+w, ctrl+u, ctrl+k) goes to the prompt too.
(Tab needs nothing: moving the focus on from the chat lands on the prompt.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.widgets import Input, TextArea

from flux_tui.ui.key_order import run_own_binding

if TYPE_CHECKING:
    from flux_tui.ui.widgets.prompt_input import PromptInput

# Keys that delete text: a pane that shows text only has none to delete, so they go to the prompt as
# typing does (the arrows and Page keys stay the pane's: they scroll it).
DELETING = frozenset({"backspace", "ctrl+h", "delete", "ctrl+w", "ctrl+u", "ctrl+k"})


async def forward_to_prompt(prompt: PromptInput | None, event: events.Key, *, enter: bool = True) -> None:
    """Give ``event``, which reached a pane that takes no text, to ``prompt`` (see the module docstring);
    ``enter``: whether Enter sends the prompt from this pane."""
    if prompt is None or prompt.disabled:
        return
    focused = prompt.app.focused
    if focused is not prompt and isinstance(focused, Input | TextArea):
        return  # a text box inside the pane takes its own keys
    if event.key == "enter" and enter:
        event.stop()
        event.prevent_default()
        prompt.app.set_focus(prompt)
        prompt.submit()
    elif event.is_printable and event.character is not None:
        event.stop()
        event.prevent_default()
        prompt.app.set_focus(prompt)  # now, not after a refresh: the keys that follow go there too
        prompt.insert(event.character)
    elif event.key in DELETING:  # nothing to delete here: the prompt's text is what it is meant for
        prompt.app.set_focus(prompt)
        await run_own_binding(prompt, event)
    elif focused is prompt:  # queued here before the focus moved: the rest of a burst typed after a click
        await run_own_binding(prompt, event)


class TypesIntoPrompt:
    """Mixin for a widget without text entry (or whose focusable parts take none); the app sets
    ``prompt`` once mounted."""

    prompt: PromptInput | None = None
    ENTER_SENDS: ClassVar[bool] = True  # False: Enter is the pane's own (the inspector's opens a call)

    async def on_key(self, event: events.Key) -> None:
        await forward_to_prompt(self.prompt, event, enter=self.ENTER_SENDS)
