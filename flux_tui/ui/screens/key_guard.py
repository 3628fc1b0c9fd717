"""Dialogs that a single key answers take only keys pressed for them.

A dialog can open while the user is typing (the next prompt, a reply): keys typed ahead, still in flight
when it appears or arriving in a burst, must not approve, send or delete anything. A
:class:`KeyGuardedScreen` lets a key reach its bindings and buttons only when it comes alone:

- pressed at least ``GUARD_SECONDS`` after the dialog was first drawn (a key's time is when the
  terminal delivered it, so keys queued behind a busy app count as early however late they are handled);
- at least ``GUARD_SECONDS`` after the key before it (a burst of typing keeps the shortcuts inert).

Scrolling keys always pass (they answer nothing and are not typing); a dialog with a text box says which
keys the box takes as text (:meth:`KeyGuardedScreen.text_box_takes`), and those are never guarded. A click
on a button in the guard interval is ignored too. An ignored key turns the dialog's key hints
(:meth:`KeyGuardedScreen.key_hints`) into a note saying to press again.
"""

from __future__ import annotations

import math
from typing import ClassVar, TypeVar

from textual import events, on
from textual._time import get_time  # the clock of ``Message.time``
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Static

ResultType = TypeVar("ResultType")

GUARD_SECONDS = 0.5
NOTE_SECONDS = 4.0  # how long the "keys ignored" note replaces the key hints
SCROLL_KEYS = frozenset({"up", "down", "left", "right", "pageup", "pagedown", "home", "end"})
IGNORED_NOTE = "Keys typed as this opened were ignored: press again."


class KeyGuardedScreen(ModalScreen[ResultType]):
    """A modal dialog whose single-key answers ignore type-ahead and bursts of typing."""

    DEFAULT_CSS = """
    KeyGuardedScreen .key-hints {
        width: 1fr;
        height: auto;
        color: $text-muted;
    }
    KeyGuardedScreen .key-hints.-ignored {
        color: $text-warning;
        text-style: bold;
    }
    """

    KEY_HINTS: ClassVar[str] = ""  # one line naming the dialog's keys, shown by key_hints()
    GUARD_SECONDS: ClassVar[float] = GUARD_SECONDS

    _shown_at: float = math.inf  # until drawn, every key is early
    _last_key_at: float = -math.inf
    _note_timer: Timer | None = None

    def key_hints(self) -> Static:
        """The line naming the dialog's keys (compose it where the dialog shows them)."""
        return Static(Content(self.KEY_HINTS), classes="key-hints")

    async def text_box_takes(self, event: events.Key) -> bool:
        """Whether a text box of the dialog takes ``event`` as typing (then no guard applies).

        Called for every key that reaches the screen; a dialog with a text box overrides it."""
        return False

    def key_passed(self, event: events.Key) -> None:
        """Called for a key that passed the guard, before the bindings see it (override to act at once)."""

    # ------------------------------------------------------------------ the guard

    @on(events.ScreenResume)
    def _start_guard(self) -> None:
        # From the first frame that shows the dialog, not from the push: a busy app may draw it late.
        self._shown_at = math.inf
        self.call_after_refresh(self._mark_shown)

    def _mark_shown(self) -> None:
        self._shown_at = get_time()

    @property
    def shown_at(self) -> float:
        """When the dialog was drawn after it opened or came back to the front, on the clock of
        ``Message.time``; inf until then, and while another screen covers it."""
        return self._shown_at

    @on(events.ScreenSuspend)
    def _stop_guard(self) -> None:
        self._shown_at = math.inf

    def _early(self, at: float) -> bool:
        """Whether a key pressed at ``at`` comes too soon after the dialog appeared or after another key."""
        early = at < self._shown_at + self.GUARD_SECONDS or at - self._last_key_at < self.GUARD_SECONDS
        self.note_typing(at)
        return early

    def note_typing(self, at: float | None = None) -> None:
        """Count typing the guard does not see (keys a text box consumed) towards the current burst."""
        self._last_key_at = max(self._last_key_at, get_time() if at is None else at)

    def seconds_until_keys_count(self) -> float:
        """How long until a key pressed now would pass the guard (inf while the dialog is not drawn)."""
        ready = max(self._shown_at, self._last_key_at) + self.GUARD_SECONDS
        return max(0.0, ready - get_time())

    def too_soon_to_click(self) -> bool:
        """Whether a button press now falls in the guard interval (then the dialog ignores it)."""
        if get_time() < self._shown_at + self.GUARD_SECONDS:
            self.keys_ignored()
            return True
        return False

    @on(events.Key)
    async def _guard_key(self, event: events.Key) -> None:
        # Keys reach the screen from the focused widget before the app looks up bindings, so stopping a
        # key here keeps it from every binding of the dialog (and from Enter on a focused button).
        if await self.text_box_takes(event):
            self.note_typing(event.time)
            return
        if event.key in SCROLL_KEYS:
            return
        if self._early(event.time):
            event.stop()
            event.prevent_default()
            self.keys_ignored()
            return
        self.key_passed(event)

    def keys_ignored(self) -> None:
        """Say that keys were ignored, in place of the key hints, for a few seconds."""
        for hints in self.query(".key-hints").results(Static):
            hints.update(Content(IGNORED_NOTE))
            hints.add_class("-ignored")
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(NOTE_SECONDS, self._restore_hints)

    def _restore_hints(self) -> None:
        self._note_timer = None
        for hints in self.query(".key-hints").results(Static):
            hints.update(Content(self.KEY_HINTS))
            hints.remove_class("-ignored")


class GuardedChoiceScreen(KeyGuardedScreen[bool]):
    """A yes-or-no dialog: its keys are bindings to actions that dismiss with the answer, its buttons
    answer through ``BUTTON_ANSWERS`` (button id -> answer), and a click in the guard interval is ignored."""

    BUTTON_ANSWERS: ClassVar[dict[str, bool]] = {}

    @on(Button.Pressed)
    def _answer_button(self, event: Button.Pressed) -> None:
        event.stop()
        if self.too_soon_to_click():
            return
        answer = self.BUTTON_ANSWERS.get(event.button.id or "")
        if answer is not None:
            self.dismiss(answer)
