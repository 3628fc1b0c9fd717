"""The one list of the app's commands: slash parsing, Tab completion, the palette, /help and the app's
key bindings are all read from ``COMMANDS``, so a command is named (and described) in one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

# Where Tab finds a command's argument (the app supplies these lists; see ``commands.complete``).
PROVIDERS = "providers"
MODELS = "models"
SESSIONS = "sessions"  # saved sessions' ids, newest first
MCP_SERVERS = "mcp servers"  # the configured MCP servers' names, after one of the command's choices


@dataclass(frozen=True, slots=True)
class Command:
    """One command. ``action`` is ``action_<action>`` of the app, or of the conversation screen when
    ``screen`` is set (a command about what that screen shows): what the key and the palette run, and
    the slash command without a ``handler``; ``handler`` names the method (of the same owner) that the
    slash command gives its argument to, for commands that read one."""

    action: str
    help: str
    name: str = ""  # the slash command ("stats" for /stats); "" for a key without one
    args: str = ""  # shown in /help, "" when the command takes none
    handler: str = ""
    idle: bool = False  # acts on the conversation: refused while an answer streams
    bare_reports: bool = False  # without an argument it only says what is in use (never waits)
    source: str = ""  # PROVIDERS, MODELS or SESSIONS: what Tab offers for the argument
    choices: tuple[str, ...] = ()  # literal words Tab offers for the argument
    key: str = ""
    key_label: str = ""  # the footer's and /help's word for the key
    show_key: bool = True  # in the footer (/help lists every key)
    priority: bool = False
    textual_key: bool = False  # Textual binds the key itself (ctrl+p): listed in /help, not rebound
    palette: str = ""  # the palette entry's title ("" for none); "(/name)" is added to it
    palette_help: str = ""  # the palette entry's help when it is not ``help``
    screen: bool = False  # the conversation screen's action (and key), not the app's
    # The app's key acts on the conversation: it works, and shows, only while the conversation is the
    # screen in front (from the sessions browser, a dialog, it would act out of sight).
    in_front: bool = False

    @property
    def usage(self) -> str:
        return f"/{self.name} {self.args}".strip()

    @property
    def palette_title(self) -> str:
        return f"{self.palette} (/{self.name})" if self.name else self.palette

    @property
    def palette_hint(self) -> str:
        return self.palette_help or self.help


# The order is the footer's (keys) and /help's (commands, then keys).
COMMANDS: tuple[Command, ...] = (
    Command("cancel_turn", "stop the answer that is streaming", key="escape", key_label="Cancel answer",
            palette="Cancel answer"),
    Command("toggle_inspector", "show or hide the tool-call panel", key="ctrl+t", key_label="Tools",
            palette="Toggle tool inspector", screen=True),
    Command("toggle_sidebar", "show or hide usage and cost", key="ctrl+b", key_label="Cost",
            palette="Toggle cost sidebar", screen=True),
    Command("provider_menu", "open the provider menu", key="f3", key_label="Provider menu", show_key=False,
            screen=True),
    Command("model_menu", "open the model menu", key="f4", key_label="Model menu", show_key=False,
            screen=True),
    Command("", "switch provider (and model); the conversation carries over", name="provider",
            args="NAME [MODEL]", handler="provider_command", idle=True, bare_reports=True, source=PROVIDERS),
    Command("", "switch model (a model of another provider switches to it)", name="model", args="NAME",
            handler="model_command", idle=True, bare_reports=True, source=MODELS),
    Command("stats", "token usage and cost per provider and model", name="stats",
            palette="Usage and cost", palette_help="per provider and model"),
    Command("mcp", "MCP servers, their state and their tools; restart one (none named: those stopped)",
            name="mcp", args="[restart [NAME]]", handler="mcp_command", idle=True, bare_reports=True,
            source=MCP_SERVERS, choices=("restart",), palette="MCP servers",
            palette_help="their state and their tools"),
    Command("init", "have the model look at the workspace and write a first AGENTS.md", name="init",
            idle=True, palette="Write AGENTS.md", palette_help="the model looks at the workspace"),
    Command("history", "the conversation so far, compact", name="history", palette="History"),
    Command("retry", "ask again for the answer that failed or was cut off", name="retry", idle=True,
            palette="Retry", palette_help="ask again for the answer that failed"),
    Command("continue", "let the model go on from its partial answer or the step limit", name="continue",
            idle=True, palette="Continue", palette_help="let the model go on"),
    Command("", "show spend against the budget; set it (0: every request asks) or off", name="budget",
            args="[USD|off]", handler="budget_slash"),
    Command("copy_answer", "copy the last answer, or its code block N, to the clipboard", name="copy",
            args="[code [N]]", handler="copy_command", choices=("code",), key="f2", key_label="Copy answer",
            show_key=False, palette="Copy last answer",
            palette_help="the answer as Markdown, to the clipboard", screen=True),
    # A priority key: the browser opens before the keys typed after it are handed on, so they are its
    # search's, not the prompt's (an Enter among them would send the prompt).
    Command("sessions", "browse saved sessions", name="sessions", key="ctrl+o", key_label="Sessions",
            palette="Sessions", palette_help="browse, resume and replay saved sessions", in_front=True,
            priority=True),
    Command("clear", "clear the conversation (screen and history sent to the model)", name="clear",
            idle=True, key="ctrl+l", key_label="Clear", palette="Clear conversation",
            palette_help="screen and history sent to the model", in_front=True),
    Command("", "continue a saved session (the conversation on screen is replaced)", name="resume",
            args="ID", handler="resume_command", idle=True, source=SESSIONS),
    Command("", "replay a saved session", name="replay", args="ID", handler="replay_command",
            idle=True, source=SESSIONS),
    Command("help", "commands and keys", name="help", key="f1", key_label="Help", palette="Help"),
    Command("quit", "quit flux-tui", key="ctrl+q", key_label="Quit", priority=True),
    Command("command_palette", "the command palette", key="ctrl+p", key_label="Command palette",
            textual_key=True),
)

SLASH_COMMANDS: tuple[Command, ...] = tuple(command for command in COMMANDS if command.name)
BY_NAME: dict[str, Command] = {command.name: command for command in SLASH_COMMANDS}


def _binding(command: Command) -> Binding:
    return Binding(
        command.key, command.action, command.key_label, show=command.show_key, priority=command.priority
    )


# The actions of the app's keys that work only while the conversation is the screen in front.
IN_FRONT_ACTIONS = frozenset(command.action for command in COMMANDS if command.in_front)


def app_bindings() -> list[Binding]:
    """The app's ``BINDINGS``: every key of the registry that Textual does not bind itself and that
    is not the conversation screen's."""
    return [
        _binding(command)
        for command in COMMANDS
        if command.key and not command.textual_key and not command.screen
    ]


def screen_bindings() -> list[Binding]:
    """The conversation screen's ``BINDINGS``."""
    return [_binding(command) for command in COMMANDS if command.key and command.screen]


def help_bindings() -> list[Binding]:
    """Every key of the registry, for /help."""
    return [_binding(command) for command in COMMANDS if command.key]


def palette_commands() -> list[Command]:
    return [command for command in COMMANDS if command.palette]
