"""The question at start when the workspace's files ask for what needs trust (``core.trust``).

"This folder's flux.toml/.env/.mcp.json asks to: … Trust this folder?" ``t`` trusts it (added to the
trust file, the settings apply), ``i`` or Escape ignores them (the app starts without them and says so),
ctrl+q quits. Keys typed ahead or in a burst answer nothing (see :mod:`flux_tui.ui.screens.key_guard`).
It runs as a small app of its own before the main one, so nothing is built on settings not yet decided.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Literal

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from flux_tui.core.config import Config, ConfigProblem
from flux_tui.core.trust import WorkspaceTrust, add_trusted
from flux_tui.ui.screens.key_guard import KeyGuardedScreen

Answer = Literal["trust", "ignore"]


class TrustScreen(KeyGuardedScreen[Answer]):
    """Modal "trust this folder?"; dismisses with "trust" or "ignore"."""

    CSS_PATH = "trust.tcss"
    AUTO_FOCUS = "#trust-ignore"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "trust", "Trust"),
        Binding("i", "ignore", "Ignore them"),
        Binding("escape", "ignore", "Ignore them", show=False),
    ]
    KEY_HINTS = "t: trust this folder · i or esc: ignore these settings · ctrl+q: quit"

    def __init__(self, trust: WorkspaceTrust) -> None:
        super().__init__()
        self.trust = trust

    def compose(self) -> ComposeResult:
        folders = ", ".join(str(p) for p in self.trust.folders)
        files = sorted({Path(item.file).name for item in self.trust.ignored})
        with Vertical(id="trust-dialog"):
            yield Label(Content(f"Trust this folder? {folders}"), id="trust-title")
            yield Static(Content(f"This folder's {', '.join(files)} asks to:"))
            yield Static(Content(self.trust.summary()), id="trust-items")
            yield Static(
                Content(
                    "Trust it only if you know where these files come from: a cloned repository can use "
                    "them to send your API key elsewhere or run commands without asking."
                )
            )
            yield self.key_hints()
            with Horizontal(id="trust-buttons"):
                yield Button(Content("Trust [t]"), id="trust-yes", variant="warning")
                yield Button(Content("Ignore them [i]"), id="trust-ignore", variant="primary")

    def action_trust(self) -> None:
        self.dismiss("trust")

    def action_ignore(self) -> None:
        self.dismiss("ignore")

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if self.too_soon_to_click():
            return
        if event.button.id == "trust-yes":
            self.action_trust()
        elif event.button.id == "trust-ignore":
            self.action_ignore()


class TrustApp(App[Answer | None]):
    """Only the question; its return value is the answer (None: the user quit)."""

    TITLE = "flux-tui"

    def __init__(self, trust: WorkspaceTrust) -> None:
        super().__init__()
        self.trust = trust

    def on_mount(self) -> None:
        self.push_screen(TrustScreen(self.trust), callback=self.exit)


def ask_trust(trust: WorkspaceTrust) -> Answer | None:
    """Ask in the terminal; None when the user quit instead of answering."""
    return TrustApp(trust).run()


Loaded = tuple[Config, list[ConfigProblem]]


def settle_trust(
    config: Config, problems: list[ConfigProblem], reload: Callable[[], Loaded]
) -> Loaded | None:
    """Ask when the workspace wants what needs trust: trusted, the folder is saved and ``reload`` (which
    loads with ``trust=True``) gives the config to start with; ignored, this one. None: the user quit."""
    trust = config.workspace_trust
    if trust is None or not trust.ignored:
        return config, problems
    answer = ask_trust(trust)
    if answer is None:
        return None
    if answer == "ignore":
        return config, problems
    saved: list[Any] = []
    try:
        add_trusted(trust.config_dir, trust.folders)
    except OSError as exc:  # trusted for this run all the same: the user said so
        saved.append(ConfigProblem("trust", None, None, f"cannot save the trusted folder: {exc}"))
    config, problems = reload()
    return config, [*problems, *saved]
