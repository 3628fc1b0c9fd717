"""Provider and model switching for ``FluxApp``: menus, ``/provider``, ``/model`` and the palette all
end here. Switching hands the same Transcript to a new provider, so the conversation carries over.

While an answer streams a switch is refused with a message (and the menu snaps back): changing the
provider under a running turn would split one reply across two providers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work

from flux_tui.core.agent_events import ProviderSwitched
from flux_tui.core.config import ResolvedProvider
from flux_tui.core.errors import ConfigError
from flux_tui.core.protocols import ChatProvider
from flux_tui.ui.heap import freeze_after_warm_up
from flux_tui.ui.lazy_provider import LazyProvider, setup_hint
from flux_tui.ui.widgets.top_bar import with_current

if TYPE_CHECKING:
    from flux_tui.ui.app import FluxApp

SWITCH_REFUSED = "Can't switch while an answer is streaming: wait for it, or press Esc to cancel it first."


def missing_label(missing: str | None) -> str:
    """A short tag for the provider menu: "no key", "no URL", "no model"."""
    if not missing:
        return ""
    text = missing.lower()
    if "base_url" in text or "url" in text:
        return "no URL"
    if "model" in text and "key" not in text:
        return "no model"
    return "no key"


class ProviderControl:
    """Mixed into ``FluxApp``."""

    _model_lists: dict[str, list[str]]  # provider name -> models its endpoint offers (once fetched)
    _windows_looked_up = False  # set once the first frame is drawn (genai-prices imports slowly)

    # -- building -----------------------------------------------------------------------------------

    def provider_options(self: FluxApp) -> list[tuple[str, str]]:
        options = []
        for name in self.config.provider_names():
            try:
                tag = missing_label(self.config.provider_settings(name).missing)
            except ConfigError:
                continue
            options.append((f"{name} ({tag})" if tag else name, name))
        return options

    def resolve(self: FluxApp, name: str, model: str | None = None) -> ResolvedProvider:
        return self.config.provider_settings(name, model)

    def initial_provider(self: FluxApp) -> tuple[LazyProvider, str | None]:
        """The configured provider, or the first ready one when it cannot be used (and why)."""
        names = self.config.provider_names()
        wanted = self.config.provider if self.config.provider in names else names[0]
        resolved = self.resolve(wanted)
        note = None if self.config.provider in names else f"Unknown provider {self.config.provider!r}."
        if resolved.missing:
            ready = [n for n in names if not self.config.provider_settings(n).missing]
            if ready:
                note = f"{resolved.missing}; using {ready[0]} instead."
                resolved = self.resolve(ready[0])
        if note and not resolved.missing:
            note = f"{note} Switch with /provider or the menu."
        return self.make_provider(resolved), note

    def make_provider(self: FluxApp, resolved: ResolvedProvider) -> LazyProvider:
        return LazyProvider(resolved, self.transcript, self.provider_factory)

    # -- switching -----------------------------------------------------------------------------------

    def switch_provider(self: FluxApp, name: str, model: str | None = None) -> bool:
        """Continue on another provider; False (with a message) when refused."""
        current = self.agent.provider
        if name == current.name and model in (None, current.model):
            return True
        if self.turn_running:
            return self._refuse(SWITCH_REFUSED)
        try:
            resolved = self.resolve(name, model)
        except ConfigError as exc:
            return self._refuse(str(exc))
        self.agent.switch_provider(self.make_provider(resolved), reason="user")
        if resolved.missing:
            self.conversation.notice(f"{resolved.missing}. {setup_hint()}", "warning")
        self._close_provider(current)
        return True

    def switch_model(self: FluxApp, model: str) -> bool:
        provider = self.agent.provider
        model = model.strip()
        if not model or model == provider.model:
            return True
        if self.turn_running:
            return self._refuse(SWITCH_REFUSED)
        previous = provider.model
        provider.model = model
        self.agent.emit(
            ProviderSwitched(
                provider=provider.name,
                model=model,
                previous_provider=provider.name,
                previous_model=previous,
                reason="user",
            )
        )
        return True

    def _refuse(self: FluxApp, text: str) -> bool:
        self.conversation.notice(text, "warning")
        self.show_current_provider()
        return False

    def show_current_provider(self: FluxApp) -> None:
        """The app's state names the provider and model the next prompt goes to."""
        provider = self.agent.provider
        self.show_provider(provider.name, provider.model, self.models_of(provider))

    def show_provider(self: FluxApp, name: str, model: str, models: list[str]) -> None:
        self.provider, self.model, self.models = name, model, models

    @property
    def model_choices(self: FluxApp) -> list[str]:
        """The models the menu offers (the one in use among them)."""
        return with_current(self.models, self.model)

    def models_of(self: FluxApp, provider: ChatProvider) -> list[str]:
        """The models to offer for ``provider``: fetched from its endpoint, else the configured ones."""
        fetched = self._model_lists.get(provider.name)
        if fetched:
            return fetched
        settings = getattr(provider, "settings", None)
        return list(getattr(settings, "models", None) or [provider.model])

    def on_provider_switched(self: FluxApp, event: ProviderSwitched) -> None:
        """Reflect a switch (user, failover, or replayed) in the app's state."""
        provider = self.agent.provider
        live = event.provider == provider.name
        models = self.models_of(provider) if live else [event.model]
        self.show_provider(event.provider, event.model, models)
        if live and event.provider not in self._model_lists:
            self.load_models()

    def _kind_of(self: FluxApp, name: str) -> str:
        try:
            return self.resolve(name).kind
        except ConfigError:
            return name

    def watch_provider(self: FluxApp) -> None:
        self.look_up_context_window()

    def watch_model(self: FluxApp) -> None:
        self.look_up_context_window()

    def look_up_context_window(self: FluxApp) -> None:
        """The context window of the model in the app's state, looked up off the UI thread; not before
        the first frame (see ``FluxApp._after_first_frame``)."""
        self.context_window = None
        if self._windows_looked_up:
            self._context_window_worker(self._kind_of(self.provider), self.provider, self.model)

    # -- workers -------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="context-window", exit_on_error=False)
    def _context_window_worker(self: FluxApp, kind: str, name: str, model: str) -> None:
        # genai-prices takes a while to import: never on the UI thread before the first frame.
        from flux_tui.core.pricing import context_window

        window = context_window(kind, model, provider_name=name)
        self.call_from_thread(self._set_window, name, model, window)

    def _set_window(self: FluxApp, name: str, model: str, window: int | None) -> None:
        if (self.provider, self.model) == (name, model):  # still the one in use
            self.context_window = window

    @work(exclusive=True, group="models", exit_on_error=False)
    async def load_models(self: FluxApp) -> None:
        """Fill the model menu from the endpoint (configured models first), without blocking the UI."""
        provider = self.agent.provider
        list_models = getattr(provider, "list_models", None)
        if list_models is None:
            return
        models = await list_models()
        if models:
            self._model_lists[provider.name] = models
        if provider is self.agent.provider and models:
            self.models = models

    @work(group="warm-up", exit_on_error=False)
    async def warm_up(self: FluxApp) -> None:
        """Build the provider (SDK import in a thread) after the first frame, then list its models; then
        load what drawing an answer needs and the token encoding, and freeze the start-up heap (``heap``)."""
        provider = self.agent.provider
        await provider.warm_up()
        if provider is self.agent.provider:
            self.load_models()
        from flux_tui.ui.widgets.answer_markdown import preload

        await asyncio.to_thread(preload)
        await freeze_after_warm_up()

    @work(group="close", exit_on_error=False)
    async def _close_provider(self: FluxApp, provider: LazyProvider) -> None:
        await provider.aclose()
