"""The flux-tui Textual app: a shell that composes the widgets and routes messages between them.

What happens lives in mixins, one job each: ``TurnControl`` (turn worker, event routing, cancel,
approvals), ``ProviderControl`` (provider/model switching and menus), ``CommandControl`` (prompts, slash
commands, palette and key actions), ``SessionControl`` (session store and replay hooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from flux_tui.core.agent import Agent
from flux_tui.core.agent_events import AgentEvent
from flux_tui.core.config import Config, ConfigProblem
from flux_tui.core.errors import ConfigError
from flux_tui.core.failover import ReliableStep
from flux_tui.core.instructions import ProjectContext
from flux_tui.core.protocols import EventSink, ToolRunner
from flux_tui.core.secret_values import tool_result_redactor
from flux_tui.core.transcript import Transcript
from flux_tui.ui.command_handlers import CommandControl
from flux_tui.ui.command_registry import app_bindings, help_bindings
from flux_tui.ui.commands import FluxCommands
from flux_tui.ui.copying import CopyControl
from flux_tui.ui.heap import release_collection
from flux_tui.ui.key_order import apply as keys_in_order
from flux_tui.ui.lazy_provider import ProviderFactory
from flux_tui.ui.mcp_control import start_mcp
from flux_tui.ui.panels import INSPECTOR, SIDEBAR, PanelRow, SidePanels
from flux_tui.ui.reliability import make_stream_step
from flux_tui.ui.reports import WELCOME_MARKUP, problems_markdown, setup_markdown
from flux_tui.ui.session_control import SessionControl
from flux_tui.ui.switching import ProviderControl
from flux_tui.ui.textual_patches import apply as apply_textual_patches
from flux_tui.ui.theming import ThemeControl
from flux_tui.ui.turns import TurnControl
from flux_tui.ui.widgets.chat_pane import ChatPane
from flux_tui.ui.widgets.cost_sidebar import CostSidebar
from flux_tui.ui.widgets.footer import FluxFooter
from flux_tui.ui.widgets.prompt_input import PromptInput, SuggestionBar
from flux_tui.ui.widgets.tool_inspector import ToolInspector
from flux_tui.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from flux_tui.mcp.manager import McpManager
    from flux_tui.tools.mentions import ShellOutput

apply_textual_patches()  # before anything renders (see textual_patches)
keys_in_order()  # bursts of keys reach the editors in the order they were typed (see key_order)

PLACEHOLDER = "Ask anything · Enter sends · ctrl+j newline · /help for commands"


class FluxApp(
    SessionControl, TurnControl, ProviderControl, CommandControl, CopyControl, ThemeControl, App[None]
):
    """flux-tui. Construct with a loaded ``Config``; everything else has a default."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses may live elsewhere
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
        self.restore_theme()  # before the first frame: no flash of the default theme
        self.problems = list(problems)
        self.workspace = workspace or config.workspace or Path.cwd()
        self.provider_factory = provider_factory
        self.transcript = Transcript()
        # Set by whoever wires the session store: what /sessions (ctrl+o) and /replay ID do.
        self.open_sessions_handler: Callable[[], object] | None = None
        self.mcp: McpManager | None = None  # set when MCP servers are configured
        self.pending_shell: list[ShellOutput] = []  # !command outputs waiting for the next prompt
        self.replay_handler: Callable[[str], object] | None = None
        self._inbox: list[AgentEvent] = []
        if tools is None:
            tools = self._default_tools()
        provider, self._startup_note = self.initial_provider()
        # AGENTS.md, the user's instructions and the environment join the system prompt on the first turn.
        self.project_context = ProjectContext(config.system_prompt, self.workspace, config.config_path)
        self._model_lists: dict[str, list[str]] = {}
        self.agent = Agent(
            provider,
            tools=tools,
            approver=self.approve,
            system_prompt=self.project_context,
            max_steps=config.tools.max_steps,
            sinks=[self.event_sink, *sinks],
            redactor=tool_result_redactor(config),
        )
        # Retries, failover and the budget gate wrap every model request of the agent.
        self.reliable_step: ReliableStep | None = make_stream_step(self)
        self.agent.stream_step = self.reliable_step

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        provider = self.agent.provider
        # Kept as attributes: every streamed event is routed through them, a DOM query each time
        # would cost more than the rendering.
        models = self.models_of(provider)
        self.top_bar = TopBar(self.provider_options(), provider.name, models, provider.model)
        self.chat = ChatPane()
        self.prompt_input = PromptInput(placeholder=PLACEHOLDER)
        self.inspector = ToolInspector(id="inspector")
        self.sidebar = CostSidebar(id="sidebar")
        self.panels = SidePanels(
            {"inspector": (self.inspector, INSPECTOR), "sidebar": (self.sidebar, SIDEBAR)}, ["sidebar"]
        )
        yield self.top_bar
        with PanelRow(self.panels, id="main"):
            with Vertical(id="conversation"):
                yield self.chat
                yield SuggestionBar(id="suggestions")
                yield self.prompt_input
            yield self.inspector
            yield self.sidebar
        yield FluxFooter()

    def on_mount(self) -> None:
        prompt = self.prompt_input
        prompt.completer = self.completions
        prompt.scrolls = self.chat
        prompt.suggestions = self.query_one(SuggestionBar)
        prompt.suggestions.describe = self.describe_candidate
        prompt.suggestions.display = False
        self.inspector.prompt = prompt
        self.chat.prompt = prompt  # typing while the chat has the focus goes to the prompt
        self.panels.layout(self.size.width)
        self.sidebar.set_budget(self.config.budget_usd)
        self.sidebar.set_current(self.agent.provider.name, self.agent.provider.model, None)
        self.top_bar.set_status(self.status_text())
        if self.problems:
            self.chat.add_info(problems_markdown(self.problems), classes="problems")
        if self.agent.provider.missing:
            self.chat.add_info(setup_markdown(str(self.config.config_path)), classes="setup")
        else:
            self.chat.add_welcome(WELCOME_MARKUP)
        if self._startup_note:
            self.chat.add_notice(self._startup_note, "warning")
        trust = self.config.workspace_trust
        if trust is not None and trust.ignored:
            how = "start with --trust, or answer trust when flux-tui asks"
            self.chat.add_notice(trust.notice(how), "warning")
        prompt.focus()
        self.follow_theme()
        # Heavy imports (SDK, prices) only after the first frame is on screen.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        release_collection()
        provider = self.agent.provider
        self.update_current(provider.name, provider.model, provider.kind)
        self.warm_up()
        # AGENTS.md and the git state are read off the event loop, before the first prompt needs them.
        self.run_worker(self.project_context.system_prompt, thread=True, group="context")
        start_mcp(self)

    async def on_unmount(self) -> None:
        if self.mcp is not None:
            await self.mcp.stop()  # the servers end with the app

    def _default_tools(self) -> ToolRunner | None:
        from flux_tui.tools.toolbox import ToolBox

        try:
            return ToolBox.from_config(self.config, workspace=self.workspace)
        except ConfigError as exc:
            self.problems.append(ConfigProblem(file="workspace", line=None, key=None, message=str(exc)))
            return None

    def status_text(self, *, streaming: bool = False) -> str:
        parts = ["● streaming"] if streaming else []
        if self.config.yolo:
            parts.append("yolo: tools run without asking")
        return "  ·  ".join(parts)


def run_app(config: Config, problems: Sequence[ConfigProblem] = (), **kwargs: object) -> None:
    """Run the app until the user quits (``cli.py`` calls this)."""
    FluxApp(config, problems=problems, **kwargs).run()  # type: ignore[arg-type]
