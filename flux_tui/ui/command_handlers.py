"""What prompts, slash commands, key bindings and palette entries do, for ``FluxApp``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from flux_tui.core.budget import BudgetGuard
from flux_tui.ui.commands import complete, help_markdown, is_known, parse_slash, unescape_prompt
from flux_tui.ui.messages import (
    ModelChosen,
    OpenSessions,
    PromptSubmitted,
    ProviderChosen,
    StartReplay,
)
from flux_tui.ui.reliability import budget_command, clean_prompt, start_continue, start_retry
from flux_tui.ui.reports import history_markdown, stats_markdown

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp


class CommandControl:
    """Mixed into ``FluxApp``."""

    # -- prompt -------------------------------------------------------------------------------------

    def on_prompt_submitted(self: FluxApp, message: PromptSubmitted) -> None:
        command = parse_slash(message.text)
        if command is None:
            self.send_prompt(clean_prompt(self, unescape_prompt(message.text)))
        else:
            self.run_slash(*command)

    def completions(self: FluxApp, text: str) -> list[str]:
        providers = self.config.provider_names()
        return complete(text, providers=providers, models=self.top_bar.models)

    # -- slash commands -----------------------------------------------------------------------------

    def run_slash(self: FluxApp, name: str, arg: str) -> None:
        if not is_known(name):
            self.chat.add_notice(f"Unknown command /{name}. Type /help for the list.", "warning")
            return
        if name in ("provider", "model") and not arg:
            current = self.agent.provider
            choices = self.config.provider_names() if name == "provider" else self.top_bar.models
            self.chat.add_notice(
                f"Current {name}: {current.name if name == 'provider' else current.model}. "
                f"Choose with /{name} NAME: {', '.join(choices)}",
            )
            return
        handlers: dict[str, Callable[[], object]] = {
            "provider": partial(self.switch_provider, arg),
            "model": partial(self.switch_model, arg),
            "stats": self.action_stats,
            "retry": partial(start_retry, self),
            "continue": partial(start_continue, self),
            "budget": partial(budget_command, self, self._budget_guard(), arg),
            "history": self.action_history,
            "clear": self.action_clear,
            "sessions": self.action_sessions,
            "replay": partial(self._replay, arg),
            "help": self.action_help,
        }
        handlers[name]()

    def _budget_guard(self: FluxApp) -> BudgetGuard | None:
        return self.reliable_step.budget if self.reliable_step is not None else None

    def _replay(self: FluxApp, session_id: str) -> None:
        if not session_id:
            self.chat.add_notice("Usage: /replay ID (find the ID with /sessions).", "warning")
            return
        self.post_message(StartReplay(session_id))

    # -- menus --------------------------------------------------------------------------------------

    def on_provider_chosen(self: FluxApp, message: ProviderChosen) -> None:
        self.switch_provider(message.provider)

    def on_model_chosen(self: FluxApp, message: ModelChosen) -> None:
        self.switch_model(message.model)

    # -- actions (keys, palette, commands) ------------------------------------------------------------

    def action_stats(self: FluxApp) -> None:
        self.chat.add_info(stats_markdown(self.sidebar.ledger, self.inspector.attribution), classes="stats")

    def action_history(self: FluxApp) -> None:
        self.chat.add_info(history_markdown(self.transcript), classes="history")

    def action_help(self: FluxApp) -> None:
        keys = [
            (binding.key_display or binding.key, binding.description) for binding in self.BINDINGS_FOR_HELP
        ]
        self.chat.add_info(help_markdown(keys), classes="help")

    def action_clear(self: FluxApp) -> None:
        """Clear the screen AND the history the model sees (the usage already spent stays counted)."""
        if self.turn_running:
            self.chat.add_notice("Can't clear while an answer is streaming: press Esc first.", "warning")
            return
        self.transcript.clear()
        self.transcript.file_context = None
        self.chat.clear()
        self.inspector.clear()
        self.chat.add_notice("Conversation cleared: the next prompt starts a fresh history.")

    def action_sessions(self: FluxApp) -> None:
        self.post_message(OpenSessions())

    # -- sessions (the session store is wired in by whoever builds the app) -----------------------

    def on_open_sessions(self: FluxApp, message: OpenSessions) -> None:
        if self.open_sessions_handler is not None:
            self.open_sessions_handler()
        else:
            self.chat.add_notice("Sessions are not recorded in this run (no session store configured).")

    def on_start_replay(self: FluxApp, message: StartReplay) -> None:
        if self.replay_handler is not None:
            self.replay_handler(message.session_id)
        else:
            self.chat.add_notice("Replay needs the session store, which is not configured in this run.")

    def action_toggle_inspector(self: FluxApp) -> None:
        self.inspector.display = not self.inspector.display

    def action_toggle_sidebar(self: FluxApp) -> None:
        self.sidebar.display = not self.sidebar.display

    def palette_actions(self: FluxApp) -> list[tuple[str, str, Callable[[], object]]]:
        """Entries of the command palette (``FluxCommands``)."""
        current = self.agent.provider
        actions: list[tuple[str, str, Callable[[], object]]] = []
        for label, name in self.provider_options():
            if name != current.name:
                actions.append(
                    (
                        f"Switch provider: {label}",
                        "continue the conversation there",
                        partial(self.switch_provider, name),
                    )
                )
        for model in self.top_bar.models:
            if model != current.model:
                title = f"Switch model: {model}"
                actions.append((title, f"a model of {current.name}", partial(self.switch_model, model)))
        actions += [
            ("Toggle tool inspector", "show or hide the tool-call panel", self.action_toggle_inspector),
            ("Toggle cost sidebar", "show or hide usage and cost", self.action_toggle_sidebar),
            ("Usage and cost (/stats)", "per provider and model", self.action_stats),
            ("History (/history)", "the conversation so far, compact", self.action_history),
            ("Clear conversation (/clear)", "screen and history sent to the model", self.action_clear),
            ("Sessions (/sessions)", "browse, resume and replay saved sessions", self.action_sessions),
            ("Cancel answer", "stop the answer that is streaming", self.action_cancel_turn),
            ("Retry (/retry)", "ask again for the answer that failed", partial(start_retry, self)),
            ("Continue (/continue)", "let the model go on", partial(start_continue, self)),
            ("Help (/help)", "commands and keys", self.action_help),
        ]
        return actions
