"""The conversation screen: the top bar, the chat, the prompt, the tool inspector, the cost sidebar and
the footer, composed and owned here.

Data comes down: the app's state (provider, model, busy, mode, budget...) is bound to this screen's
reactives and from them to the widgets (``data_bind``); the app hands over agent events (``show``,
``load``) and lines to add (``notice``, ``info``). What the user does goes up as messages from the
widgets (``PromptSubmitted``, ``ProviderChosen``, ``ModelChosen``, ``MenuClosed``). Nothing outside this
module touches these widgets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.ledger import UsageLedger
from flux_tui.core.redact import Redactor
from flux_tui.ui.command_registry import screen_bindings
from flux_tui.ui.panels import INSPECTOR, SIDEBAR, PanelRow, SidePanels
from flux_tui.ui.screen_text import DELTAS, drawable
from flux_tui.ui.widgets.chat_pane import ChatPane
from flux_tui.ui.widgets.cost_sidebar import CostSidebar
from flux_tui.ui.widgets.footer import FluxFooter
from flux_tui.ui.widgets.prompt_input import PromptInput, SuggestionBar
from flux_tui.ui.widgets.tool_inspector import ToolInspector
from flux_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from flux_tui.core.attribution import Attribution  # made with the inspector's first event

    # Their modules import Textual's Markdown (markdown-it, pygments): not before the first frame.
    from flux_tui.ui.widgets.chat_lines import NoticeLine
    from flux_tui.ui.widgets.info_panel import InfoPanel

PLACEHOLDER = "Ask anything · Enter sends · ctrl+j newline · /help for commands"

Completer = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class Line:
    """A line the conversation opens with: ``kind`` "info" (Markdown), "welcome" (markup) or "notice";
    ``style`` is an info panel's classes or a notice's level."""

    kind: str
    text: str
    style: str = ""


class ConversationScreen(Screen[None]):
    """The app's main screen (``FluxApp.get_default_screen``)."""

    # The layout of its areas; each widget keeps its own look. In DEFAULT_CSS, not a .tcss beside it
    # as the dialogs have: Textual reads a screen's CSS_PATH only for screens it pushes, not for the
    # app's default screen.
    DEFAULT_CSS = """
    ConversationScreen #main {
        height: 1fr;
    }
    ConversationScreen #conversation {
        width: 1fr;
        min-width: 24;  /* the first frame after a shrink, before the panels narrow (see panels) */
        height: 1fr;
    }
    ConversationScreen #inspector {
        width: 60;
        border-left: vkey $primary-darken-2;
    }
    ConversationScreen #sidebar {
        width: 36;
        border-left: vkey $primary-darken-2;
    }
    """
    AUTO_FOCUS = "#prompt"  # whenever the screen comes back (a dialog closed), keys go to the prompt
    # The keys of the commands that act on this screen alone (the command registry says which).
    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings()]

    # The app's state, bound from ``FluxApp``'s reactives of the same names.
    provider: reactive[str] = reactive("", init=False)
    model: reactive[str] = reactive("", init=False)
    models: reactive[list[str]] = reactive(list, init=False)
    providers: reactive[list[tuple[str, str]]] = reactive(list, init=False)
    context_window: reactive[int | None] = reactive(None, init=False)
    input_price: reactive[float | None] = reactive(None, init=False)
    budget: reactive[float | None] = reactive(None, init=False)
    busy: reactive[bool] = reactive(False, init=False, repaint=False)  # as the app's (see there)
    mode: reactive[str] = reactive("live", init=False)
    yolo: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        *,
        completer: Completer | None = None,
        describe: Callable[[str], str] | None = None,
        opening: Sequence[Line] = (),
        redactor: Redactor | None = None,
        opened: Callable[[], object] | None = None,
    ) -> None:
        """``completer``: what Tab offers for the prompt's text; ``describe``: how the completion bar
        shows a candidate; ``opening``: the lines shown before anything happens (in the first frame);
        ``redactor``: hides API keys in what the chat and the inspector show of tool calls;
        ``opened``: called once the widgets are mounted and the prompt has the keyboard, before the
        screen lays out its first frame (what it puts in the chat replaces the opening lines unseen)."""
        super().__init__(id="conversation-screen")
        self._take_breakpoint_classes()
        #: Set once the widgets are mounted and the prompt has the keyboard (see ``FluxApp.on_event``).
        self.ready = asyncio.Event()
        self._opening = list(opening)
        self._opened = opened
        self._completer = completer
        self._describe = describe
        # Kept as attributes: every streamed event is routed through them, a DOM query each time
        # would cost more than the rendering.
        self._chat = ChatPane(redactor=redactor)
        self._prompt = PromptInput(placeholder=PLACEHOLDER)
        self._inspector = ToolInspector(id="inspector", redactor=redactor)
        self._inspector.display = False  # opened with ctrl+t; closed, it mounts no table (``build``)
        self._sidebar = CostSidebar(id="sidebar")
        self._top_bar = TopBar()
        self._suggestions = SuggestionBar(id="suggestions")
        self._panels = SidePanels(
            {"inspector": (self._inspector, INSPECTOR), "sidebar": (self._sidebar, SIDEBAR)}, ["sidebar"]
        )

    def compose(self) -> ComposeResult:
        state = ConversationScreen
        yield self._top_bar.data_bind(
            state.provider, state.model, state.models, state.providers, state.busy, state.mode, state.yolo
        )
        with PanelRow(self._panels, id="main"):
            with Vertical(id="conversation"):
                yield self._chat
                yield self._suggestions
                yield self._prompt.data_bind(state.mode, state.busy)
            yield self._inspector
            yield self._sidebar.data_bind(
                state.provider, state.model, state.context_window, state.input_price, state.budget
            )
        yield FluxFooter().data_bind(state.busy)

    def _take_breakpoint_classes(self) -> None:
        """The width's class (``FluxApp.HORIZONTAL_BREAKPOINTS``) before anything is styled: Textual
        gives it with the first ``Resize``, after the first frame, and a class the screen did not have
        restyles every widget on it (about 4 ms of the event loop, where keys typed at once wait)."""
        breakpoints = self.app.HORIZONTAL_BREAKPOINTS or []
        width = self.app.size.width
        self.add_class(*self._get_breakpoint_classes(width, breakpoints))

    def on_mount(self) -> None:
        if not self._chat.is_attached:
            return  # the app quit as it started, its widgets taken down before they were mounted
        prompt = self._prompt
        prompt.completer = self._completer
        prompt.scrolls = self._chat
        prompt.suggestions = self._suggestions
        if self._describe is not None:
            self._suggestions.describe = self._describe
        self._suggestions.display = False
        self._inspector.prompt = prompt
        self._chat.prompt = prompt  # typing while the chat has the focus goes to the prompt
        self._panels.layout(self.app.size.width)
        for line in self._opening:
            if line.kind == "info":
                self.info(line.text, classes=line.style)
            elif line.kind == "welcome":
                self.welcome(line.text)
            else:
                self.notice(line.text, line.style or "info")
        self.set_focus(prompt)  # now: keys typed ahead are queued behind this, and go to the prompt
        self.ready.set()
        if self._opened is not None:
            self._opened()

    def watch_mode(self, mode: str) -> None:
        # The footer leaves out the keys a replay refuses (see FluxFooter).
        self.set_class(mode == "replay", "-replay")

    # -- the conversation ----------------------------------------------------------------------------

    def show(self, event: AgentEvent) -> None:
        """One agent event, live or replayed, to every widget that shows it."""
        if type(event) in DELTAS:
            # The many of a fast stream: only the chat draws them (their text cleaned as it is drawn);
            # the inspector and the sidebar have nothing to do with one but to look at its type.
            self._chat.apply(event)
            return
        event = drawable(event)
        self._chat.apply(event)
        self._inspector.apply(event)
        self._sidebar.apply(event)

    def load(self, events: Iterable[AgentEvent]) -> None:
        """A stored conversation at once (resume): the chat renders only what comes into view."""
        events = [drawable(event) for event in events]
        self._chat.load(events)
        for event in events:
            if type(event) not in DELTAS:
                self._inspector.apply(event)
                self._sidebar.apply(event)

    def clear(self) -> None:
        """An empty conversation (the budget and the model in use stay)."""
        self._chat.clear()
        self._inspector.clear()
        self._sidebar.clear()

    async def drawn(self) -> None:
        """Until the items added so far (the running answer's content included) are mounted."""
        await self._chat.mounted()

    # -- lines in the chat ---------------------------------------------------------------------------

    def notice(self, text: str, level: str = "info") -> NoticeLine:
        """A one-line notice (``level``: info, warning or error); shown literally."""
        return self._chat.add_notice(text, level)

    def info(self, markdown: str | Callable[[int | None], str], *, classes: str = "") -> InfoPanel:
        """A local report (help, stats, history...): Markdown, or a function of the width it gets."""
        return self._chat.add_info(markdown, classes=classes)

    def welcome(self, markup: str) -> None:
        self._chat.add_welcome(markup)

    # -- the prompt ----------------------------------------------------------------------------------

    def focus_prompt(self) -> None:
        self._prompt.focus()

    def give_back(self, raw: str) -> None:
        """A prompt the app could not take now goes back into the editor."""
        self._prompt.give_back(raw)

    # -- what the conversation holds -----------------------------------------------------------------

    def last_answer_text(self) -> str | None:
        """The newest answer with text in it, as the model wrote it (None: no answer yet)."""
        answer = next((answer for answer in reversed(self._chat.answers) if answer.text.strip()), None)
        return answer.text if answer is not None else None

    def action_copy_answer(self) -> None:
        """f2, /copy: the last answer as the model wrote it (Markdown), to the clipboard."""
        self.copy_command("")

    def copy_command(self, arg: str) -> None:
        """``/copy``, ``/copy code``, ``/copy code N``."""
        from flux_tui.ui.copying import copy_from_answer  # imported with the first copy

        usage = copy_from_answer(self.app, self.last_answer_text(), arg)
        if usage is not None:
            self.notice(usage, "warning")

    def usage(self) -> UsageLedger:
        """The usage figures as of now (a copy)."""
        return UsageLedger.from_dict(self._sidebar.ledger.to_dict())

    @property
    def attribution(self) -> Attribution:
        """What each tool call's result cost in later requests."""
        return self._inspector.attribution

    # -- its parts, read-only, for tests (no module of the app reaches into them: a test checks it) ---

    @property
    def chat(self) -> ChatPane:
        return self._chat

    @property
    def prompt_input(self) -> PromptInput:
        return self._prompt

    @property
    def inspector(self) -> ToolInspector:
        return self._inspector

    @property
    def sidebar(self) -> CostSidebar:
        return self._sidebar

    @property
    def top_bar(self) -> TopBar:
        return self._top_bar

    @property
    def panels(self) -> SidePanels:
        return self._panels

    # -- panels and the replay bar -------------------------------------------------------------------

    async def action_toggle_inspector(self) -> None:
        """ctrl+t: open the inspector with the keyboard in its table; close it, back to the prompt."""
        inspector = self._inspector
        was_open = bool(inspector.display)
        focus_inside = self.focused is not None and inspector in self.focused.ancestors_with_self
        self._panels.toggle("inspector")
        if inspector.display and not was_open:
            await inspector.focus_calls()
        elif not inspector.display and focus_inside:
            self._prompt.focus()

    def action_toggle_sidebar(self) -> None:
        self._panels.toggle("sidebar")

    def action_provider_menu(self) -> None:
        self._open_menu("provider")

    def action_model_menu(self) -> None:
        self._open_menu("model")

    def _open_menu(self, which: str) -> None:
        refusal = self._top_bar.open_menu(which)
        if refusal:
            self.notice(refusal, "warning")

    def panel_open(self, name: str) -> bool:
        return self._panels.is_open(name)

    def set_panel(self, name: str, on: bool) -> None:
        self._panels.set_open(name, on)

    def show_bar(self, bar: Widget) -> None:
        """A bar under the conversation (the replay's controls)."""
        self.mount(bar, after=self.query_one("#main"))

    def restyle(self) -> None:
        """The theme changed: what is drawn with Rich takes its new colours."""
        from flux_tui.ui.widgets.answer_text import AnswerText

        for chunk in self.query(AnswerText):
            chunk.restyle()
        self._inspector.restyle()
