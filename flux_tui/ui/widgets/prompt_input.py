"""The prompt: Enter sends, ctrl+j / shift+enter / alt+enter insert a newline, up/down recall earlier
prompts, Tab completes slash commands, and huge pastes are held aside instead of flooding the editor.

PageUp/PageDown scroll the conversation (``scrolls``), as do Home/End when the prompt is empty (in a
prompt being written they move the cursor, as in any editor) and ctrl+home/ctrl+end always: the prompt
keeps the focus while the user reads back."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static, TextArea

from flux_tui.core.terminal_text import terminal_safe
from flux_tui.core.wording import counted
from flux_tui.ui.messages import PromptSubmitted

# A paste longer than this is kept out of the editor (a TextArea laying out megabytes would freeze the
# UI) and shown as a placeholder token that is expanded when the prompt is sent.
PASTE_INLINE_CHARS = 8000
PASTE_INLINE_LINES = 200
_PASTE_TOKEN = re.compile(r"\[paste #(\d+): [^\]]*\]")
# Seconds the screen waits after Enter: the app takes the prompt a few messages (1 to 3 ms) later, and
# holds the screen itself for the answer, or gives the prompt back; a frame drawn in between would show
# the prompt nowhere. A longer wait holds up a quick local answer's frame (at 20 ms, 10 ms an exchange).
HANDOFF_DELAY = 0.005
# The conversation's own actions for its PageUp/PageDown/Home/End keys.
_SCROLL_ACTIONS = {
    "page_up": "action_page_up",
    "page_down": "action_page_down",
    "home": "action_scroll_home",
    "end": "action_scroll_end",
}


def clean_paste(text: str) -> str:
    """Normalise newlines (a terminal pastes a line break as CR) and drop the escape sequences and
    control characters a terminal or a binary file may have sent: they are junk in a prompt, and the
    prompt draws its text on the terminal."""
    return terminal_safe(text.replace("\r\n", "\n").replace("\r", "\n"))


class SuggestionBar(Static):
    """Completion candidates of the slash command being typed; the highlighted one is what Tab takes.

    ``describe`` adds what a candidate stands for to how it is shown (a session id's title); Tab still
    takes the candidate alone."""

    describe: Callable[[str], str] | None = None

    DEFAULT_CSS = """
    SuggestionBar {
        height: 1;
        padding: 0 2;
        color: $text-muted;
    }
    """

    def show(self, candidates: list[str], index: int) -> None:
        if not candidates:
            self.display = False
            return
        parts: list[Content | str | tuple[str, str]] = []
        for position, candidate in enumerate(candidates[:12]):
            if position:
                parts.append("  ")
            shown = self.describe(candidate) if self.describe is not None else candidate
            parts.append((shown, "reverse bold") if position == index else shown)
        if len(candidates) > 12:
            parts.append(f"  … {len(candidates) - 12} more")
        self.update(Content.assemble(*parts))
        self.display = True


REPLAY_PLACEHOLDER = "Replaying: the prompt is back when the replay is closed (Esc)."


class PromptInput(TextArea):
    """A multi-line prompt editor that posts ``PromptSubmitted`` on Enter.

    ``mode`` is the app's (bound): while a replay plays, nothing can be typed and the placeholder says
    why. ``busy`` too: while an answer streams the cursor stays lit instead of blinking, since each
    blink is a frame of its own (two a second, beside the answer's own frames)."""

    mode: reactive[str] = reactive("live", init=False)
    busy: reactive[bool] = reactive(False, init=False)  # an answer streams (the app's, bound)

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 12;
        border: round $primary-darken-1;
        padding: 0 1;
    }
    PromptInput:focus {
        border: round $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j,shift+enter,alt+enter", "newline", "Newline", show=True, key_display="^j"),
        Binding("tab", "complete(1)", "Complete", show=False),
        Binding("shift+tab", "complete(-1)", "Complete", show=False),
        Binding("pageup", "scroll_chat('page_up')", "Scroll up", show=False),
        Binding("pagedown", "scroll_chat('page_down')", "Scroll down", show=False),
        Binding("ctrl+home", "scroll_chat('home')", "Scroll to the top", show=False),
        Binding("ctrl+end", "scroll_chat('end')", "Scroll to the bottom", show=False),
        Binding("home", "home", "Line start", show=False),
        Binding("end", "end", "Line end", show=False),
    ]

    def __init__(self, *, id: str | None = "prompt", placeholder: str = "") -> None:
        super().__init__(
            "",
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=placeholder,
        )
        self.prompt_history: list[str] = []
        self._history_index: int | None = None  # position while browsing; None = editing a new prompt
        self._draft = ""
        self._pastes: dict[int, str] = {}
        self.completer: Callable[[str], list[str]] | None = None
        self.suggestions: SuggestionBar | None = None
        self._candidates: list[str] = []
        self._candidates_for: str | None = None  # the text ``_candidates`` complete
        self._candidate_index = -1
        self._applied: str | None = None
        self.scrolls: Widget | None = None  # what PageUp/PageDown (and Home/End when empty) scroll
        self._live_placeholder = placeholder
        self._blink_paused = False  # the blink was stopped for a streaming answer

    def watch_busy(self, busy: bool) -> None:
        if busy and self.cursor_blink:
            self._blink_paused = True
            self.cursor_blink = False
        elif not busy and self._blink_paused:
            self._blink_paused = False
            self.cursor_blink = True

    def watch_mode(self, mode: str) -> None:
        replaying = mode == "replay"
        self.disabled = replaying
        self.placeholder = REPLAY_PLACEHOLDER if replaying else self._live_placeholder

    # -- sending ----------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit()
            return
        await super()._on_key(event)

    def submit(self) -> None:
        raw = self.text
        if not raw.strip():
            return
        if not self.prompt_history or self.prompt_history[-1] != raw:
            self.prompt_history.append(raw)
        self._history_index = None
        self._draft = ""
        self.app.delay_update(HANDOFF_DELAY)
        self.clear()
        self.post_message(PromptSubmitted(self.expand(raw), raw))

    def give_back(self, raw: str) -> None:
        """A submitted prompt the app cannot take now goes back into the editor, before anything typed
        since, with the cursor at the end: nothing typed is lost."""
        self.load_text(raw + self.text)
        self.move_cursor(self.document.end)

    def expand(self, text: str) -> str:
        """Replace paste placeholders by the text they stand for."""

        def replace(match: re.Match[str]) -> str:
            return self._pastes.get(int(match.group(1)), match.group(0))

        return _PASTE_TOKEN.sub(replace, text) if self._pastes else text

    def action_newline(self) -> None:
        self.insert("\n")

    # -- scrolling the conversation ---------------------------------------------------------------

    def action_scroll_chat(self, where: str) -> None:
        """``where``: "page_up", "page_down", "home" or "end", as the conversation's own keys do."""
        if self.scrolls is None:
            return
        with contextlib.suppress(SkipAction):  # raised when there is nothing to scroll
            getattr(self.scrolls, _SCROLL_ACTIONS[where])()

    def action_home(self) -> None:
        if self.text:
            self.action_cursor_line_start()
        else:
            self.action_scroll_chat("home")

    def action_end(self) -> None:
        if self.text:
            self.action_cursor_line_end()
        else:
            self.action_scroll_chat("end")

    # -- pastes -----------------------------------------------------------------------------------

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = clean_paste(event.text)
        lines = text.count("\n") + 1
        if len(text) > PASTE_INLINE_CHARS or lines > PASTE_INLINE_LINES:
            number = len(self._pastes) + 1
            self._pastes[number] = text
            text = f"[paste #{number}: {counted(lines, 'line')}, {len(text):,} chars]"
        if text:
            self.insert(text)

    # -- history ----------------------------------------------------------------------------------

    def _on_first_visual_line(self) -> bool:
        row, _ = self.cursor_location
        if row != 0:
            return False
        return self.wrapped_document.location_to_offset(self.cursor_location).y == 0

    def _on_last_visual_line(self) -> bool:
        row, _ = self.cursor_location
        if row != self.document.line_count - 1:
            return False
        last_y = self.wrapped_document.location_to_offset(self.document.end).y
        return self.wrapped_document.location_to_offset(self.cursor_location).y == last_y

    def action_cursor_up(self, select: bool = False) -> None:
        if not select and self.prompt_history and self._on_first_visual_line():
            self._recall(-1)
            return
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        if not select and self._history_index is not None and self._on_last_visual_line():
            self._recall(1)
            return
        super().action_cursor_down(select)

    def _recall(self, step: int) -> None:
        if self._history_index is None:
            if step > 0:
                return
            self._draft = self.text
            index = len(self.prompt_history) - 1
        else:
            index = self._history_index + step
        if index < 0:
            return
        if index >= len(self.prompt_history):
            self._history_index = None
            self._load(self._draft)
            return
        self._history_index = index
        self._load(self.prompt_history[index])

    def _load(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)

    # -- completion -------------------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update_candidates()

    def _update_candidates(self) -> None:
        """Make the candidates those of the text now in the editor.

        A change's message is handled after the keys read with it: in a burst ("/prov" then Tab) the
        Tab runs before the messages of the characters it follows, so it brings the candidates up to
        date itself. Those messages then find them already so and compute nothing again."""
        text = self.text
        if self._applied is not None and text == self._applied:
            return  # our own completion: keep cycling through the same candidates
        if self._applied is None and text == self._candidates_for:
            return
        self._applied = None
        self._candidates = self._complete(text)
        self._candidates_for = text
        self._candidate_index = -1
        self._show_suggestions()

    def _complete(self, text: str) -> list[str]:
        if self.completer is None:  # it knows what can be completed (a /command, an @path)
            return []
        return self.completer(text)

    def _show_suggestions(self) -> None:
        if self.suggestions is not None:
            self.suggestions.show(self._candidates, self._candidate_index)

    def action_complete(self, step: int) -> None:
        self._update_candidates()
        if len(self._candidates) == 1 and self.text == self._candidates[0]:
            # "/provider " was taken: go on with what can follow it (the provider names)
            self._candidates = [c for c in self._complete(self.text) if c != self.text]
            self._candidate_index = -1
        if not self._candidates:
            # Nothing to complete: the focus stays here. Moving it on reached the top bar's menus,
            # where the next keys typed opened a menu and were lost.
            return
        self._candidate_index = (self._candidate_index + step) % len(self._candidates)
        self._applied = self._candidates[self._candidate_index]
        self._load(self._applied)
        self._show_suggestions()
