"""The sessions browser's keys, in one list: its bindings, its footer and its buttons are read from
``SESSION_KEYS``.

The browser shows a search box, and a user who sees one types into it: every printable key goes to the
search box, from the list and the buttons too (:func:`type_into_search`; the rename box keeps its own).
So no action has a letter for its key: Enter opens, the others are ctrl keys, function keys and Delete,
as in the chat, where letters always go to the prompt. The ctrl and function keys are none of those the
search box edits with (Input's ctrl+a, ctrl+e, ctrl+d, ctrl+k...), so they work from the search box and
from the list alike; in the search box Enter searches and moves to the list, and Delete deletes text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input


@dataclass(frozen=True, slots=True)
class SessionKey:
    """One action of the browser: ``action_<action>`` of the screen, run by ``key`` and by its button."""

    action: str
    key: str  # Textual's key names, comma separated
    label: str  # the footer's word
    button: str = ""  # the button's label, "" for none
    key_display: str | None = None  # how the footer writes the key, None for Textual's way


SESSION_KEYS: tuple[SessionKey, ...] = (
    SessionKey("open", "enter", "Open", "Open"),
    SessionKey("replay", "ctrl+r", "Replay", "Replay"),
    SessionKey("fork", "ctrl+f", "Fork", "Fork…"),
    SessionKey("rename", "f2", "Rename", "Rename"),
    SessionKey("export", "ctrl+s", "Export", "Export…"),
    SessionKey("compare", "f5", "Compare"),
    SessionKey("delete", "delete", "Delete", "Delete", key_display="del"),
)


# The browser's layouts by width, for its footer (sessions.tcss): in each, the keys it shows fit whole
# beside the command palette's. Below -wide they are written compactly (``SessionsScreen.on_resize``).
COMPACT_FOOTER_BELOW = 124  # columns
FOOTER_BREAKPOINTS: list[tuple[int, str]] = [
    (0, "-tiny"),
    (75, "-narrow"),
    (103, "-medium"),
    (COMPACT_FOOTER_BELOW, "-wide"),
]


def session_bindings() -> list[BindingType]:
    """The browser screen's ``BINDINGS``."""
    return [
        Binding("escape", "close", "Back"),
        *(Binding(k.key, k.action, k.label, key_display=k.key_display) for k in SESSION_KEYS),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("down", "to_list", show=False),  # from the search box (the list's own Down moves in it)
    ]


def session_buttons() -> list[tuple[str, str]]:
    """(action, label) of the browser's buttons, in the footer's order."""
    return [(k.action, k.button) for k in SESSION_KEYS if k.button]


class SessionsTable(DataTable[str | Text]):
    """The list of sessions: its Enter opens the selected one, and the footer says so (DataTable's own
    Enter, which the footer shows in place of the screen's, is unnamed)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Open")]


def type_into_search(search: Input, event: events.Key) -> None:
    """Put a printable key that reached the browser outside its text boxes in the search box, and move
    the focus there (the key is then the search's, and no binding sees it).

    The key goes in at once, not after the focus has moved: the keys of a burst that reach the list
    before the focus does go in after it, in the order they were typed. A slash with the search box
    empty is left to the browser's search key, which moves the focus there; after some text it is typed.
    Backspace (ctrl+h) deletes from the search as typing adds to it (Delete is the list's: it deletes a
    session). Enter typed before anything had the focus (in the burst that opened the browser) or
    with the search focused is the search's: it searches, and the list takes the focus."""
    if event.key == "enter":
        focused = search.screen.focused
        if focused is None or focused is search:
            event.stop()
            event.prevent_default()
            search.post_message(Input.Submitted(search, search.value))  # what its own Enter posts
        return
    if event.key in ("backspace", "ctrl+h"):
        event.stop()
        event.prevent_default()
        search.action_delete_left()
        if not search.has_focus:
            search.focus()
        return
    if not event.is_printable or event.character is None:
        return
    if event.character == "/" and not search.value:
        return
    event.stop()
    event.prevent_default()
    selection = search.selection
    if selection.is_empty:
        search.insert_text_at_cursor(event.character)
    else:
        search.replace(event.character, *selection)
    if not search.has_focus:
        search.focus()
