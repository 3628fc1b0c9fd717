"""The lines of the chat outside an answer: the user's prompts, the welcome, the fold of earlier
exchanges, notices and a failed turn's error. Each widget keeps its look in its ``DEFAULT_CSS``."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from flux_tui.core.agent_events import AgentEvent, TurnStarted
from flux_tui.core.attachments import attached_line, split_context
from flux_tui.core.wording import counted

PROMPT_PREVIEW_CHARS = 4000  # a huge paste is summarised in the chat; the request carries all of it


def preview(text: str, limit: int = PROMPT_PREVIEW_CHARS) -> str:
    """``text`` cut to ``limit`` characters with a note of what was left out."""
    if len(text) <= limit:
        return text
    rest = text[limit:]
    more = f"{counted(len(rest), 'more character')}, {counted(rest.count(chr(10)), 'more line')}"
    return f"{text[:limit]}\n… ({more})"


class UserPrompt(Static):
    """What the user asked (plain text: a prompt is not Markdown to render)."""

    # Unscoped: the chat's lines keep the selectors (and specificity) they have always been styled by.
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .user-prompt {
        margin: 1 0 0 0;
        padding: 0 1;
        background: $boost;
        border-left: thick $accent;
        color: $text;
    }
    ChatPane .user-prompt.-unanswered {
        border-left: thick $warning;
        color: $text-muted;
    }
    """

    def __init__(self, prompt: str) -> None:
        typed, attached = split_context(prompt)  # attachments are named, not shown
        self.shown = preview(typed) + (f"\n{attached_line(attached)}" if attached else "")
        super().__init__(Content(self.shown), classes="user-prompt")
        self.prompt = prompt
        self.mark: str | None = None  # why the prompt is not part of the conversation

    def mark_unanswered(self, reason: str, *, sent: bool) -> None:
        """Nothing answered this prompt: it stays on screen, marked, but the model does not see it."""
        self.mark = unanswered_mark(reason, sent=sent)
        self.update(Content.assemble(self.shown, "\n", (self.mark, "italic")))
        self.add_class("-unanswered")


def unanswered_mark(reason: str, *, sent: bool) -> str:
    what = f"no answer: {reason}" if sent else "not sent"
    return f"⊘ {what} — left out of the conversation; /retry sends it again"


class Welcome(Static):
    """The first lines of a new conversation: how to send, stop, get help. Content markup rather than
    an ``InfoPanel``, whose Markdown widget (and its parser) would cost the first frame 25 ms."""

    # It is shown before any InfoPanel (whose rules give it its padding), so it states all of them.
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .info-panel.welcome {
        margin: 1 0;  /* the blank line a Markdown paragraph ends with */
        padding: 0 1;
        border: none;
        background: transparent;
        color: $text-muted;
    }
    """

    def __init__(self, markup: str) -> None:
        super().__init__(Content.from_markup(markup), classes="info-panel welcome")


class EarlierTurns(Static, can_focus=True):
    """Stands for the older part of a conversation; a click (or Enter) shows the next batch, above
    what is in view."""

    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .earlier-turns {
        color: $text-muted;
        text-style: italic;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    ChatPane .earlier-turns:hover,
    ChatPane .earlier-turns:focus {
        color: $accent;
        background: $boost;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "expand", "Show earlier", show=False)]

    class Expand(Message):
        def __init__(self, fold: EarlierTurns) -> None:
            super().__init__()
            self.fold = fold

    def __init__(self, events: list[AgentEvent], turns: int) -> None:
        super().__init__("", classes="earlier-turns")
        self.events = events
        self.turns = turns
        self.expanding = False  # an unfolding is being laid out
        self._label()

    def _label(self) -> None:
        hint = f"click or press Enter to show {'them' if self.turns != 1 else 'it'}"
        self.update(Content(f"▲ {counted(self.turns, 'earlier exchange')}: {hint}"))

    def add_newer(self, events: list[AgentEvent], turns: int) -> None:
        """Fold more turns, newer than those held (a live conversation folding its oldest turns)."""
        self.events.extend(events)
        self.turns += turns
        self._label()

    def take_last(self, count: int) -> list[AgentEvent]:
        """Remove and return the events of the last ``count`` turns held here."""
        starts = [i for i, event in enumerate(self.events) if isinstance(event, TurnStarted)]
        cut = starts[-count] if len(starts) > count else 0
        taken, self.events = self.events[cut:], self.events[:cut]
        self.turns = max(0, self.turns - count)
        self._label()
        return taken

    def on_click(self) -> None:
        self.action_expand()

    def action_expand(self) -> None:
        self.post_message(self.Expand(self))


class NoticeLine(Static):
    """A one-line message: retrying, switched provider, refused action..."""

    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .notice {
        color: $text-muted;
    }
    ChatPane .notice.-warning,
    ChatPane .notice.-cancelled {
        color: $warning;
    }
    ChatPane .notice.-error {
        color: $error;
    }
    ChatPane .notice.-switch {
        color: $accent;
        margin: 1 0 0 0;
    }
    """

    def __init__(self, text: str, level: str = "info") -> None:
        super().__init__(Content(text), classes=f"notice -{level}")
        self.text = text
        self.level = level


class TurnError(Static):
    """A failed turn: what went wrong and what to do next."""

    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    ChatPane .turn-error {
        color: $error;
        padding: 0 1;
        background: $error 10%;
    }
    """

    def __init__(self, error: str, hint: str | None) -> None:
        body = Content.assemble(("✖ ", "bold"), (error, "bold"))
        if hint:
            body = Content.assemble(body, "\n", hint)
        super().__init__(body, classes="turn-error")
        self.error = error
        self.hint = hint
