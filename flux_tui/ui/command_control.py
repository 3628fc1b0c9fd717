"""What prompts, slash commands, key bindings and palette entries do, for ``FluxApp``.

The turns the commands start (``/retry``, ``/continue``) and what ``/budget`` and prompt cleaning
do are ``TurnRunner``'s (``app.turns``); what is here is refusing while an answer streams, the worker
a turn runs in, and saying in the chat what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

from flux_tui.core.instructions import INIT_PROMPT, PROJECT_FILES, instructions_markdown
from flux_tui.services.turns import NothingToDo
from flux_tui.ui.command_registry import BY_NAME, IN_FRONT_ACTIONS, palette_commands
from flux_tui.ui.commands import (
    complete,
    help_markdown,
    parse_shell,
    parse_slash,
    unescape_prompt,
    waits_for_idle,
)
from flux_tui.ui.mcp_control import mcp_markdown, restart_mcp
from flux_tui.ui.messages import (
    MenuClosed,
    ModelChosen,
    PromptSubmitted,
    ProviderChosen,
)
from flux_tui.ui.prompt_context import completions as mention_completions
from flux_tui.ui.prompt_context import context_busy, run_shell, send_with_context
from flux_tui.ui.reports import history_markdown, stats_markdown
from flux_tui.ui.turn_control import BUSY_MESSAGE, KEPT_MESSAGE

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp

# Without a session store (``launch`` attaches ``session_actions`` over one).
NOT_RECORDED = "Sessions are not recorded in this run (no session store configured)."
SESSIONS_COMPLETED = 50  # the newest sessions offered by Tab after /resume and /replay
_TITLE_SHOWN = 40  # characters of a session's title beside its id in the completion bar


class CommandControl:
    """Mixed into ``FluxApp``."""

    def check_action(self: FluxApp, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The conversation's keys work, and show in the footer, only while it is the screen in front."""
        if action in IN_FRONT_ACTIONS:
            return self.screen is getattr(self, "_conversation", None)
        return True

    # -- prompt -------------------------------------------------------------------------------------

    def on_prompt_submitted(self: FluxApp, message: PromptSubmitted) -> None:
        command = parse_slash(message.text)
        shell = parse_shell(message.text) if command is None else None
        busy = context_busy(self) if command is None else None
        if self.turn_running and (waits_for_idle(*command) if command is not None else shell is None):
            self.conversation.notice(KEPT_MESSAGE, "warning")
            self.conversation.give_back(message.raw)
        elif busy is not None:
            # A command's output goes with the next prompt: a prompt sent now would go without it.
            self.conversation.notice(busy, "warning")
            self.conversation.give_back(message.raw)
        elif command is not None:
            self.run_slash(*command)
        elif shell is not None:
            run_shell(self, shell)
        else:
            send_with_context(self, self.clean_prompt(unescape_prompt(message.text)), message.raw)

    def clean_prompt(self: FluxApp, text: str) -> str:
        """The prompt to send; what was removed or cut is said in the chat."""
        clean, notes = self.turns.clean(text)
        for note in notes:
            self.conversation.notice(note, "warning")
        return clean

    def completions(self: FluxApp, text: str) -> list[str]:
        if not text.startswith("/"):
            return mention_completions(self, text)
        providers = self.config.provider_names()
        return complete(
            text,
            providers=providers,
            models=self.model_choices,
            sessions=self.session_ids,
            servers=lambda: [conn.name for conn in self.mcp.connections] if self.mcp is not None else [],
        )

    def session_ids(self: FluxApp) -> list[str]:
        """The saved sessions' ids, newest first (what ``/resume`` and ``/replay`` complete)."""
        actions = self.session_actions
        listed = actions.service.list_ids(SESSIONS_COMPLETED) if actions is not None else []
        self._session_titles = {session_id: title for session_id, title in listed if title}
        return [session_id for session_id, _title in listed]

    def describe_candidate(self: FluxApp, candidate: str) -> str:
        """A completed session id shown with its session's title (the id alone says nothing)."""
        command, _, session_id = candidate.rpartition(" ")
        if command.lower() not in ("/resume", "/replay"):
            return candidate
        title = getattr(self, "_session_titles", {}).get(session_id)
        if not title:
            return candidate
        short = title if len(title) <= _TITLE_SHOWN else title[: _TITLE_SHOWN - 1] + "…"
        return f"{candidate} ({short})"

    # -- slash commands -----------------------------------------------------------------------------

    def run_slash(self: FluxApp, name: str, arg: str) -> None:
        spec = BY_NAME.get(name)
        if spec is None:
            self.conversation.notice(f"Unknown command /{name}. Type /help for the list.", "warning")
        else:
            owner = self.conversation if spec.screen else self
            if spec.handler:
                getattr(owner, spec.handler)(arg)
            else:
                getattr(owner, f"action_{spec.action}")()

    def provider_command(self: FluxApp, arg: str) -> None:
        """``/provider NAME`` goes on with NAME's model; ``/provider NAME MODEL`` with MODEL."""
        name, _, model = arg.partition(" ")
        if name:
            self.switch_provider(name, model.strip() or None)
        else:
            self._say_current("provider", self.agent.provider.name, self.provider_service.names())

    def model_command(self: FluxApp, model: str) -> None:
        if model:
            self.switch_model(model)
        else:
            self._say_current("model", self.agent.provider.model, self.model_choices)

    def _say_current(self: FluxApp, what: str, current: str, choices: list[str]) -> None:
        """``/provider`` or ``/model`` alone: what is in use, and what to choose from."""
        self.conversation.notice(f"Current {what}: {current}. Choose with /{what} NAME: {', '.join(choices)}")

    def budget_slash(self: FluxApp, arg: str) -> None:
        """``/budget`` shows spend against the cap; ``/budget 5`` sets it, ``/budget off`` removes it."""
        reply = self.turns.budget(arg)
        self.conversation.notice(reply.text, reply.level)
        if reply.changed:
            self.budget = reply.budget

    def action_retry(self: FluxApp) -> bool:
        """``/retry``: ask again for the answer that failed or was cut off; False (said) when refused."""
        return self._start_turn("retry", self.turns.retry_work)

    def action_continue(self: FluxApp) -> bool:
        """``/continue``: let the model go on from its partial answer, tool results or the step limit."""
        return self._start_turn("continue", self.turns.continue_work)

    def _start_turn(self: FluxApp, name: str, work: Callable[[], Coroutine[Any, Any, str]]) -> bool:
        if self.turn_running:
            self.conversation.notice(self.busy_text(BUSY_MESSAGE), "warning")
            return False
        try:
            turn = work()
        except NothingToDo as exc:
            self.conversation.notice(str(exc), "warning")
            return False
        # The same group as the prompt worker: exclusive, and Esc (cancel_group "turn") stops it.
        self.run_worker(turn, name=name, group="turn", exclusive=True, exit_on_error=False)
        return True

    def resume_command(self: FluxApp, session_id: str) -> None:
        if not session_id:
            self.conversation.notice("Usage: /resume ID (find the ID with /sessions).", "warning")
        elif self.session_actions is None:
            self.conversation.notice(NOT_RECORDED)
        else:
            self.session_actions.resume(session_id)

    def replay_command(self: FluxApp, session_id: str) -> None:
        if not session_id:
            self.conversation.notice("Usage: /replay ID (find the ID with /sessions).", "warning")
        elif self.session_actions is None:
            self.conversation.notice("Replay needs the session store, which is not configured in this run.")
        else:
            self.session_actions.replay_by_id(session_id)

    # -- menus --------------------------------------------------------------------------------------

    def on_provider_chosen(self: FluxApp, message: ProviderChosen) -> None:
        self.switch_provider(message.provider)

    def on_model_chosen(self: FluxApp, message: ModelChosen) -> None:
        self.switch_model(message.model)

    def on_menu_closed(self: FluxApp, message: MenuClosed) -> None:
        self.conversation.focus_prompt()

    # -- actions (keys, palette, commands) ------------------------------------------------------------

    def action_stats(self: FluxApp) -> None:
        usage = self.conversation.usage()
        extra = ""
        attribution = self.conversation.attribution
        self.project_context.system_prompt()  # reads the files, if no turn has yet
        if self.project_context.files:  # what goes into every request, and its cost
            extra = "\n\n" + instructions_markdown(self.project_context)
        self.conversation.info(
            lambda width: stats_markdown(usage, attribution, width) + extra, classes="stats"
        )

    def action_init(self: FluxApp) -> None:
        existing = [p for p in (self.workspace / n for n in PROJECT_FILES) if p.is_file()]
        if existing:
            self.conversation.notice(
                f"{existing[0].name} already exists in the workspace; edit it, or remove it and /init again.",
                "warning",
            )
            return
        self.send_prompt(INIT_PROMPT)

    def action_mcp(self: FluxApp) -> None:
        self.conversation.info(mcp_markdown(self), classes="mcp")

    def mcp_command(self: FluxApp, arg: str) -> None:
        word, _, name = arg.strip().partition(" ")
        if not word:
            self.action_mcp()
        elif word.lower() == "restart":
            # Queued, not exclusive: a second restart waits for the first (the manager's lock) rather
            # than cancelling it halfway.
            self.run_worker(restart_mcp(self, name.strip()), group="mcp-restart", exit_on_error=False)
        else:
            self.conversation.notice(f"/mcp takes no {word!r}: /mcp lists the servers, /mcp restart [NAME].")

    def action_history(self: FluxApp) -> None:
        self.conversation.info(history_markdown(self.transcript), classes="history")

    def action_help(self: FluxApp) -> None:
        keys = [
            (binding.key_display or binding.key, binding.description) for binding in self.BINDINGS_FOR_HELP
        ]
        self.conversation.info(help_markdown(keys), classes="help")

    def action_clear(self: FluxApp) -> None:
        """Clear the screen AND the history the model sees (the usage already spent stays counted)."""
        if self.turn_running:
            text = self.busy_text("Can't clear while an answer is streaming: press Esc first.")
            self.conversation.notice(text, "warning")
            return
        # The agent tells every listener: the chat and the inspector empty themselves, and the
        # session store keeps the clear, so a resumed session starts from it too.
        self.agent.clear_history()

    def action_sessions(self: FluxApp) -> None:
        if self.session_actions is None:
            self.conversation.notice(NOT_RECORDED)
        else:
            self.session_actions.open_browser()

    def palette_actions(self: FluxApp) -> list[tuple[str, str, Callable[[], object]]]:
        """Entries of the command palette (``FluxCommands``)."""
        current = self.agent.provider
        actions: list[tuple[str, str, Callable[[], object]]] = []
        for label, name in self.provider_service.options():
            if name != current.name:
                actions.append(
                    (
                        f"Switch provider: {label}",
                        "continue the conversation there",
                        partial(self.switch_provider, name),
                    )
                )
        for model in self.model_choices:
            if model != current.model:
                title = f"Switch model: {model}"
                actions.append((title, f"a model of {current.name}", partial(self.switch_model, model)))
        for command in palette_commands():
            owner = self.conversation if command.screen else self
            action = getattr(owner, f"action_{command.action}")
            actions.append((command.palette_title, command.palette_hint, action))
        return actions
