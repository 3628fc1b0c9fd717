"""The flux-tui Textual app: its state, its services, and the conversation screen that shows them.

The work behind it is the services' (``provider_service``: providers and switching; ``agent`` built by
``services.turns.build_agent`` and run by ``turns``), shared with ``flux-tui run``. The app holds the
state the conversation screen binds to (provider, model, busy, mode, budget...) and turns what the user
does into service calls, in three parts, one job each: ``TurnControl`` (the turn worker, agent events to
the screen and the state, cancel, approvals), ``ProviderControl`` (switching from menus and commands,
model lists, context window) and ``CommandControl`` (prompts, slash commands, palette and key actions).
The session commands are ``session_actions`` (a ``SessionActions`` over the session service, attached by
``launch``); a replay is a ``ReplayController`` (``replay``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.config import Config, ConfigProblem
from flux_tui.core.errors import ConfigError
from flux_tui.core.hints import TUI_HINTS
from flux_tui.core.instructions import ProjectContext
from flux_tui.core.protocols import EventSink, ToolRunner
from flux_tui.core.transcript import Transcript
from flux_tui.services.lazy_provider import ProviderFactory
from flux_tui.services.providers import ProviderService
from flux_tui.services.turns import TurnRunner, build_agent
from flux_tui.ui.command_control import CommandControl
from flux_tui.ui.command_registry import app_bindings, help_bindings
from flux_tui.ui.commands import FluxCommands
from flux_tui.ui.crash_report import CrashReport
from flux_tui.ui.heap import release_collection
from flux_tui.ui.key_order import apply as keys_in_order
from flux_tui.ui.mcp_control import start_mcp
from flux_tui.ui.provider_control import ProviderControl
from flux_tui.ui.reports import WELCOME_MARKUP, problems_markdown, setup_markdown
from flux_tui.ui.screens.conversation import ConversationScreen, Line
from flux_tui.ui.textual_patches import apply as apply_textual_patches
from flux_tui.ui.theming import STATE_FILE, ThemeMemory
from flux_tui.ui.turn_control import TurnControl

if TYPE_CHECKING:
    from textual.theme import Theme

    from flux_tui.mcp.manager import McpManager
    from flux_tui.tools.mentions import ShellOutput
    from flux_tui.ui.replay_controller import ReplayController
    from flux_tui.ui.session_actions import SessionActions
    from flux_tui.ui.theme_colors import Palette

apply_textual_patches()  # before anything renders (see textual_patches)
keys_in_order()  # bursts of keys reach the editors in the order they were typed (see key_order)

class FluxApp(TurnControl, ProviderControl, CommandControl, CrashReport, App[None]):
    """flux-tui. Construct with a loaded ``Config``; everything else has a default."""

    TITLE = "flux-tui"
    COMMANDS = App.COMMANDS | {FluxCommands}
    # The screen's class for its width: the top bar and the footer fit narrower terminals (their DEFAULT_CSS).
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (80, "-medium"),
        (110, "-wide"),
    ]
    # Keys, like slash commands, /help and the palette, come from the one command registry.
    BINDINGS: ClassVar[list[BindingType]] = [*app_bindings()]
    BINDINGS_FOR_HELP: ClassVar[list[Binding]] = help_bindings()

    # The app's state; the conversation screen binds to it, and its widgets to the screen.
    provider: reactive[str] = reactive("", init=False)  # where the next prompt goes
    model: reactive[str] = reactive("", init=False)
    models: reactive[list[str]] = reactive(list, init=False)  # what the model menu offers
    providers: reactive[list[tuple[str, str]]] = reactive(list, init=False)  # the provider menu
    context_window: reactive[int | None] = reactive(None, init=False)  # of the model, when known
    input_price: reactive[float | None] = reactive(None, init=False)  # USD per fresh input token, if priced
    budget: reactive[float | None] = reactive(None, init=False)  # USD for the session, None: none
    # An answer streams. Not a repaint of the app: the widgets bound to it redraw themselves, and a
    # whole-screen repaint at every turn's start and end would draw those frames twice (23 to 27 KB more).
    busy: reactive[bool] = reactive(False, init=False, repaint=False)
    mode: reactive[str] = reactive("live", init=False)  # "live", or "replay" while a replay plays
    yolo: reactive[bool] = reactive(False, init=False)  # tools run without asking

    def __init__(
        self,
        config: Config,
        *,
        problems: Sequence[ConfigProblem] = (),
        workspace: Path | None = None,
        sinks: Iterable[EventSink] = (),
        provider_factory: ProviderFactory | None = None,
        tools: ToolRunner | None = None,
    ) -> None:
        """``tools`` defaults to a ToolBox over ``workspace`` with the config's policy."""
        super().__init__()
        self.config = config
        self.theme_memory = ThemeMemory(config.config_path / STATE_FILE)
        self.theme_memory.restore(self)  # before the first frame: no flash of the default theme
        self.problems = list(problems)
        self.workspace = workspace or config.workspace or Path.cwd()
        self.transcript = Transcript()
        # Menus, building and switching providers for this conversation (see services.providers).
        self.provider_service = ProviderService(config, self.transcript, provider_factory)
        # The session commands (/sessions, ctrl+o, /resume, /replay) over the session store, attached by
        # whoever opened one (``launch``); None: sessions are not recorded in this run.
        self.session_actions: SessionActions | None = None
        self.replay: ReplayController | None = None  # the replay playing, if any
        self.mcp: McpManager | None = None  # set when MCP servers are configured
        self.pending_shell: list[ShellOutput] = []  # !command outputs waiting for the next prompt
        self.slip_held: tuple[str, ...] | None = None  # the @path slips a prompt was given back for
        self._inbox: list[AgentEvent] = []
        self._after_end_frame: list[Callable[[], None]] = []  # see TurnControl.after_end_frame
        self._state_shown = False  # ``on_mount`` has set the state the screen binds to
        if tools is None:
            tools = self._default_tools()
        provider, self._startup_note = self.provider_service.initial()
        # AGENTS.md, the user's instructions and the environment join the system prompt on the first turn.
        self.project_context = ProjectContext(config.system_prompt, self.workspace, config.config_path)
        # Retries, failover and the budget gate wrap every model request; over budget, a dialog asks.
        self.agent = build_agent(
            config,
            provider,
            tools=tools,
            approver=self.approve,
            sinks=[self.event_sink, *sinks],
            system_prompt=self.project_context,
            fallback=self.provider_service.fallback,
            confirm_over_budget=self._confirm_over_budget,
            hints=TUI_HINTS,
        )
        self.turns = TurnRunner(self.agent)

    async def _confirm_over_budget(self, spent: float, budget: float) -> bool:
        # The dialog's module (its screen and widgets) is imported when a budget is first spent.
        from flux_tui.ui.screens.budget_confirm import budget_confirmer

        guard = self.turns.budget_guard
        scope = guard.nearest_cap() if guard is not None else "session"  # the cap that asks
        confirm = budget_confirmer(self, unpriced=lambda: self.turns.unpriced_models, scope=scope)
        return await confirm(spent, budget)

    # -- the screen ----------------------------------------------------------------------------------

    def get_default_screen(self) -> ConversationScreen:
        app = FluxApp
        screen = ConversationScreen(
            completer=self.completions,
            describe=self.describe_candidate,
            opening=self._opening_lines(),
            redactor=self.agent.redactor,
            opened=self._conversation_opened,
        )
        self._conversation = screen
        return screen.data_bind(
            app.provider,
            app.model,
            app.models,
            app.providers,
            app.context_window,
            app.input_price,
            app.budget,
            app.busy,
            app.mode,
            app.yolo,
        )

    @property
    def conversation(self) -> ConversationScreen:
        """The conversation screen (the bottom of the screen stack, whatever dialog is on top)."""
        return self._conversation

    def _opening_lines(self) -> list[Line]:
        lines = []
        if self.problems:
            lines.append(Line("info", problems_markdown(self.problems), "problems"))
        if self.agent.provider.missing:
            lines.append(Line("info", setup_markdown(str(self.config.config_path)), "setup"))
        else:
            lines.append(Line("welcome", WELCOME_MARKUP))
        if self._startup_note:
            lines.append(Line("notice", self._startup_note, "warning"))
        trust = self.config.workspace_trust
        if trust is not None and trust.ignored:
            how = "start with --trust, or answer trust when flux-tui asks"
            lines.append(Line("notice", trust.notice(how), "warning"))
        return lines

    def on_mount(self) -> None:
        # The state first: the screen's bound reactives take it as the screen mounts.
        self.providers = self.provider_service.options()
        self.show_current_provider()
        self.budget = self.config.budget_usd
        self.yolo = bool(self.config.yolo)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        # Nothing here waits for the screen, which composes in its own task: this handler runs inside
        # Textual's start-up ``batch_update``, and a frame laid out under a batch is never written while
        # the compositor counts it as drawn. The screen's first frame would be lost, and the next one
        # (once a resumed session's widgets are mounted) would redraw only what changed since it.
        # The screen says when it is ready (``_conversation_opened``); keys wait for it (``on_event``).
        self._state_shown = True
        if self.conversation.ready.is_set():  # the screen was mounted first
            self._conversation_opened()

    async def on_event(self, event: events.Event) -> None:
        # A key typed before the prompt has the keyboard (typed ahead as the app starts) waits for it,
        # in order with the keys after it: it would otherwise reach a screen with nothing focused.
        if isinstance(event, events.Key | events.Paste) and not self.conversation.ready.is_set():
            await self.conversation.ready.wait()
        await super().on_event(event)

    def _conversation_opened(self) -> None:
        """The screen's widgets are mounted and its prompt has the keyboard, its first frame not laid
        out yet: a session opened on the command line replaces the opening lines before they are seen."""
        if not self._state_shown:
            return  # ``on_mount`` calls this once the state is set
        if self.session_actions is not None:
            self.session_actions.app_ready()  # a resume or replay asked for on the command line
        # Heavy imports (SDK, prices) only after the first frame is on screen.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        release_collection()
        self._windows_looked_up = True
        self.look_up_model_facts()
        self.warm_up()
        # AGENTS.md and the git state are read off the event loop, before the first prompt needs them.
        self.run_worker(self.project_context.system_prompt, thread=True, group="context")
        start_mcp(self)

    async def on_unmount(self) -> None:
        if self.mcp is not None:
            await self.mcp.stop()  # the servers end with the app

    # -- theme and clipboard -------------------------------------------------------------------------

    @property
    def palette(self) -> Palette:
        """Rich colours of the current theme, for what the app draws with Rich (answers, code, diffs)."""
        return self.theme_memory.palette(self)

    def _theme_changed(self, theme: Theme) -> None:
        self.conversation.restyle()
        problem = self.theme_memory.remember(theme.name)
        if problem is not None:
            self.notify(problem, severity="warning")

    def copy_to_clipboard(self, text: str) -> None:
        """Every copy (a selection with ctrl+c, the prompt's own copy) says what it copied."""
        from flux_tui.ui.copying import copy_and_tell  # imported with the first copy

        copy_and_tell(self, text, "the selection")

    def _default_tools(self) -> ToolRunner | None:
        from flux_tui.tools.toolbox import ToolBox

        try:
            return ToolBox.from_config(self.config, workspace=self.workspace)
        except ConfigError as exc:
            self.problems.append(ConfigProblem(file="workspace", line=None, key=None, message=str(exc)))
            return None


def run_app(config: Config, problems: Sequence[ConfigProblem] = (), **kwargs: object) -> None:
    """Run the app until the user quits (``cli.py`` calls this)."""
    FluxApp(config, problems=problems, **kwargs).run()  # type: ignore[arg-type]
