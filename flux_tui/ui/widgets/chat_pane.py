"""The conversation: rendered purely from AgentEvents, so a live turn and a replayed one look the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import AwaitMount, Widget

from flux_tui.core.agent_events import (
    CLEARED_NOTICE,
    AgentEvent,
    HistoryCleared,
    Notice,
    PromptUnanswered,
    ProviderSwitched,
    TextDelta,
    ThinkingDelta,
    ToolCallDecided,
    ToolCallFinished,
    ToolCallProposed,
    ToolCallRunning,
    TurnCancelled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from flux_tui.core.redact import Redactor
from flux_tui.ui.widgets.answer_text import AnswerText
from flux_tui.ui.widgets.chat_items import (
    DECISION_NOTES,
    AssistantAnswer,
    EarlierTurns,
    NoticeLine,
    UserPrompt,
    Welcome,
    result_first_line,
)
from flux_tui.ui.widgets.key_scroll import KeyScrolling
from flux_tui.ui.widgets.shown_turn import ShownTurn
from flux_tui.ui.widgets.typing_forward import TypesIntoPrompt

if TYPE_CHECKING:
    from flux_tui.ui.widgets.info_panel import InfoPanel

MATERIALIZE_INTERVAL = 0.1  # seconds between two checks for deferred chunks to render
KEEP_TURNS = 20  # turns of a loaded session shown at once, and per unfolding; older ones are folded
# A live conversation folds all but its last LIVE_TURNS turns once it shows FOLD_AT. Every frame lays out
# and walks every widget on the screen: with 20 to 39 turns shown, an exchange late in a long session
# took 17 ms more to lay out and paint than in a fresh one (measured side by side, benchmarks/README).
# Unfolding (the fold line: click or Enter) brings back 20 at a time, above what is in view.
LIVE_TURNS = 5
FOLD_AT = 2 * LIVE_TURNS


class ChatPane(TypesIntoPrompt, KeyScrolling, VerticalScroll, can_focus=True):
    """Prompts, streamed answers, tool-call traces, notices and local info panels."""

    # Not `layout: stream`: in Textual 8 it keeps a container child's old height when a later sibling
    # asks for layout in the same frame (an answer then showed only its header).
    DEFAULT_CSS = """
    ChatPane {
        layout: vertical;
        height: 1fr;
        padding: 0 1 0 1;
        scrollbar-size-vertical: 1;
        /* The bar's column is kept, blank until there is something to scroll: the first answer past
           the screen neither wraps the text again nor costs a frame of its own for a bar appearing. */
        overflow-y: scroll;
        scrollbar-background: transparent;
    }
    ChatPane:focus {
        background-tint: $foreground 2%;
    }
    """

    def __init__(self, *, id: str | None = "chat", redactor: Redactor | None = None) -> None:
        """``redactor``: hides API keys in the tool calls' arguments shown (the app's knows its keys)."""
        super().__init__(id=id)
        self.redactor = redactor if redactor is not None else Redactor()
        self.current: AssistantAnswer | None = None
        self._prompt: UserPrompt | None = None  # the prompt of the turn being shown
        self._bulk = False  # loading a stored conversation: defer rendering of answers
        self._insert_before: Widget | None = None  # where new items go (older turns go above)
        self._materializer: Timer | None = None
        self._turns: list[ShownTurn] = []  # turns on screen below the fold, oldest first
        self._collect: list[ShownTurn] | None = None  # where turn records go (unfolding: a side list)
        self._mounts: list[AwaitMount] = []  # the current turn's items being mounted (``mounted()``)
        self._unfolding: list[AwaitMount] | None = None  # older turns being mounted above the view
        self._keeping_place: asyncio.Task[None] | None = None  # held: the loop keeps tasks weakly
        self._handlers: dict[type[AgentEvent], Callable[[Any], None]] = {
            TextDelta: self._on_text,
            ThinkingDelta: self._on_thinking,
            TurnStarted: self._on_turn_started,
            TurnFinished: self._on_turn_finished,
            TurnFailed: self._on_turn_failed,
            TurnCancelled: self._on_turn_cancelled,
            ToolCallProposed: self._on_tool_proposed,
            ToolCallDecided: self._on_tool_decided,
            ToolCallRunning: self._on_tool_running,
            ToolCallFinished: self._on_tool_finished,
            Notice: self._on_notice,
            PromptUnanswered: self._on_prompt_unanswered,
            ProviderSwitched: self._on_provider_switched,
            HistoryCleared: self._on_history_cleared,
        }

    def on_mount(self) -> None:
        # Follow the stream until the user scrolls up; Textual re-anchors when they scroll back down.
        self.anchor()

    # -- deferred chunks (see answer_text) ----------------------------------------------------------

    def on_answer_text_deferred(self, event: AnswerText.Deferred) -> None:
        event.stop()
        if self._materializer is None:
            self._materializer = self.set_interval(MATERIALIZE_INTERVAL, self._materialize_step)

    async def _materialize_step(self) -> None:
        """Once no answer streams: render the deferred chunks in view, else the lowest one left."""
        deferred = [chunk for answer in self.answers for chunk in answer.chunks if chunk.deferred]
        if not deferred:
            if self._materializer is not None:
                self._materializer.stop()
                self._materializer = None
            return
        if self.current is not None:
            return  # a stream is running: rendering now would only slow it down
        view = self.region
        visible = [chunk for chunk in deferred if view.overlaps(chunk.region)]
        for chunk in visible or deferred[-1:]:
            await chunk.materialize()

    async def materialize_all(self) -> None:
        """Render every deferred chunk now (tests, export of the screen)."""
        for answer in self.answers:
            for chunk in answer.chunks:
                await chunk.materialize()

    # -- the one entry point for conversation content -------------------------------------------

    @property
    def _records(self) -> list[ShownTurn]:
        """Where the turn being shown is recorded (a side list while older turns unfold)."""
        return self._turns if self._collect is None else self._collect

    def apply(self, event: AgentEvent) -> None:
        turns = self._records
        if isinstance(event, TurnStarted):
            if not self._bulk:
                self._fold_old_turns()
            if turns and turns[-1].events:
                turns[-1].compact()
            turns.append(ShownTurn())
        if turns:
            turns[-1].events.append(event)
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _fold_old_turns(self) -> None:
        """Put all but the last ``LIVE_TURNS`` turns behind the fold, if the chat shows ``FOLD_AT``.
        Done as a new prompt starts, which brings the view to the bottom anyway."""
        if len(self._turns) < FOLD_AT or self._collect is not None:
            return
        old, self._turns = self._turns[:-LIVE_TURNS], self._turns[-LIVE_TURNS:]
        for turn in old:
            turn.compact()
        events = [event for turn in old for event in turn.events]
        widgets = [widget for turn in old for widget in turn.widgets if widget.parent is self]
        fold = next(iter(self.query_children(EarlierTurns)), None)
        if fold is None:
            fold = EarlierTurns(events, len(old))
            self.mount(fold, before=widgets[0] if widgets else None)
        else:
            fold.add_newer(events, len(old))
        self.remove_children(widgets)

    # -- local output -----------------------------------------------------------------------------

    def add_info(self, markdown: str | Callable[[int | None], str], *, classes: str = "") -> InfoPanel:
        from flux_tui.ui.widgets.info_panel import InfoPanel

        panel = InfoPanel(markdown, classes=classes)
        self.mount(panel)
        return panel

    def add_welcome(self, markup: str) -> Welcome:
        welcome = Welcome(markup)
        self.mount(welcome)
        return welcome

    def add_notice(self, text: str, level: str = "info") -> NoticeLine:
        line = NoticeLine(text, level)
        self._mount(line)
        return line

    def _mount(self, *widgets: Widget) -> None:
        turns = self._records
        if turns:
            turns[-1].widgets.extend(widgets)
        if self._insert_before is not None:
            mounting = self.mount(*widgets, before=self._insert_before)
            if self._unfolding is not None:
                self._unfolding.append(mounting)
        elif self._bulk:
            self.mount(*widgets)
        else:
            self._mounts.append(self.mount(*widgets))

    async def mounted(self) -> None:
        """Wait until the live items added so far (the running answer's content included) are mounted:
        a frame drawn after that shows them all."""
        pending, self._mounts = self._mounts, []
        for mounting in pending:
            await mounting
        if self.current is not None:
            await self.current.mounted()

    # -- stored conversations -----------------------------------------------------------------------

    def load(self, events: Sequence[AgentEvent]) -> None:
        """Show a stored conversation at once (resume): the last ``KEEP_TURNS`` turns, their text
        rendered as it comes into view, and the older ones folded behind an ``EarlierTurns`` line.
        What a clear wiped off the screen stays off it."""
        cleared = [i for i, event in enumerate(events) if isinstance(event, HistoryCleared)]
        if cleared:
            self.apply(events[cleared[-1]])
            events = events[cleared[-1] + 1 :]
        starts = [i for i, event in enumerate(events) if isinstance(event, TurnStarted)]
        cut = starts[-KEEP_TURNS] if len(starts) > KEEP_TURNS else 0
        if cut:
            self._mount(EarlierTurns(list(events[:cut]), len(starts) - KEEP_TURNS))
        self._apply_bulk(events[cut:])
        if self.current is not None:  # the stored session stopped in the middle of a turn
            self.current.interrupt()
            self.current = None

    def _apply_bulk(self, events: Sequence[AgentEvent]) -> None:
        self._bulk = True
        try:
            for event in events:
                self.apply(event)
        finally:
            self._bulk = False

    def on_earlier_turns_expand(self, message: EarlierTurns.Expand) -> None:
        message.stop()
        fold = message.fold
        fold.expanding = True
        live, self.current = self.current, None  # older turns must not touch a running answer
        live_prompt = self._prompt
        siblings = list(self.children)
        after = siblings[siblings.index(fold) + 1] if siblings.index(fold) + 1 < len(siblings) else None
        # What was in view stays where it was on screen: the unfolded turns go above it, to scroll up to.
        anchor = after or fold
        offset = anchor.virtual_region.y - int(self.scroll_y)
        self._insert_before = after
        self._collect = []
        self._unfolding = []
        try:
            self._apply_bulk(fold.take_last(KEEP_TURNS))
            if self.current is not None:  # a stored turn that never ended
                self.current.interrupt()
        finally:
            self._insert_before = None
            self.current, self._prompt = live, live_prompt
            # Unfolded turns are older than every turn shown: they go first, and may fold again.
            self._turns[:0], self._collect = self._collect, None
            mounts, self._unfolding = self._unfolding, None
        if not fold.events:
            fold.remove()
        self._keeping_place = asyncio.create_task(self._keep_place(fold, anchor, offset, mounts))

    async def _keep_place(
        self, fold: EarlierTurns, anchor: Widget, offset: int, mounts: list[AwaitMount]
    ) -> None:
        try:
            for mounting in mounts:
                await mounting
            # A scroll still animating would carry the view off its place.
            await self.stop_animation("scroll_y", complete=False)
            for _ in range(2):  # the unfolded answers lay out their text in the frame after they mount
                drawn = asyncio.Event()
                self.call_after_refresh(drawn.set)
                await drawn.wait()
                if anchor.is_attached:
                    self.scroll_to(y=anchor.virtual_region.y - offset, animate=False, immediate=True)
        finally:
            fold.expanding = False

    def clear(self) -> None:
        self.current = None
        self._prompt = None
        self._turns.clear()
        self.remove_children()

    # -- queries (tests, /history) ------------------------------------------------------------------

    @property
    def answers(self) -> list[AssistantAnswer]:
        return list(self.query_children(AssistantAnswer))

    @property
    def prompts(self) -> list[UserPrompt]:
        return list(self.query_children(UserPrompt))

    # -- handlers -----------------------------------------------------------------------------------

    def _on_turn_started(self, event: TurnStarted) -> None:
        if self.current is not None:  # a turn that never reported its end (a crashed session)
            self.current.interrupt()
        self.current = AssistantAnswer(event.provider, event.model, bulk=self._bulk)
        self._mounts.clear()  # an earlier turn's, if nobody waited for them
        if event.prompt:
            self._prompt = UserPrompt(event.prompt)
            self._mount(self._prompt, self.current)
        else:  # /retry, /continue: the model goes on from the history, nobody asked anything new
            self._prompt = None
            self._mount(self.current)
        self.current.start()
        if not self._bulk:
            self.anchor()  # a new prompt brings the view back to the bottom

    def _on_prompt_unanswered(self, event: PromptUnanswered) -> None:
        if self._prompt is not None and self._prompt.prompt == event.prompt:
            self._prompt.mark_unanswered(event.reason, sent=event.sent)

    def _on_text(self, event: TextDelta) -> None:
        if self.current is not None:
            self.current.add_text(event.text)

    def _on_thinking(self, event: ThinkingDelta) -> None:
        if self.current is not None:
            self.current.add_thinking(event.text)

    def _on_tool_proposed(self, event: ToolCallProposed) -> None:
        if self.current is not None:
            error = self.redactor.redact_text(event.input_error) if event.input_error else None
            self.current.add_tool_call(event.call_id, event.name, self.redactor.redact(event.input), error)

    def _on_tool_decided(self, event: ToolCallDecided) -> None:
        if self.current is not None and event.decision != "auto":
            note = DECISION_NOTES.get(event.decision, event.decision)
            if event.reason:
                note = f"{note}: {event.reason}"
            status = "denied" if event.decision in ("denied", "policy_deny") else "pending"
            self.current.set_tool_status(event.call_id, status, note)

    def _on_tool_running(self, event: ToolCallRunning) -> None:
        if self.current is not None:
            self.current.set_tool_status(event.call_id, "running")

    def _on_tool_finished(self, event: ToolCallFinished) -> None:
        if self.current is not None:
            note = result_first_line(event.result) if event.status in ("failed", "denied") else ""
            self.current.set_tool_status(event.call_id, event.status, note)

    def _on_notice(self, event: Notice) -> None:
        if self.current is not None:
            self.current.add_notice(event.text, event.level)
        else:
            self.add_notice(event.text, event.level)

    def _on_provider_switched(self, event: ProviderSwitched) -> None:
        why = " (failover)" if event.reason == "failover" else ""
        text = f"⇄ now on {event.provider} · {event.model}{why}"
        if event.previous_provider:
            text += f" — was {event.previous_provider} · {event.previous_model}"
        if self.current is not None:
            self.current.add_notice(text, "switch")
        else:
            self.add_notice(text, "switch")

    def _on_turn_finished(self, event: TurnFinished) -> None:
        if self.current is not None:
            self.current.finish(event.stop_reason)
            self.current = None

    def _on_turn_failed(self, event: TurnFailed) -> None:
        if self.current is None:  # failed before the turn started (no provider): still say so
            self.current = AssistantAnswer("flux", "error")
            self._mount(self.current)
            self.current.start()
        self.current.fail(event.error, event.hint)
        self.current = None

    def _on_history_cleared(self, event: HistoryCleared) -> None:
        self.clear()
        self.add_notice(CLEARED_NOTICE)

    def _on_turn_cancelled(self, event: TurnCancelled) -> None:
        if self.current is not None:
            self.current.cancel()
            self.current = None
