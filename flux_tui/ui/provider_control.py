"""Provider and model switching for ``FluxApp``: menus, ``/provider``, ``/model`` and the palette all
end here, and the app's state follows every switch. What a switch does is ``ProviderService``'s
(``app.provider_service``); what is here is the UI around it.

While an answer streams a switch is refused with a message (and the menu snaps back): changing the
provider under a running turn would split one reply across two providers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work

from flux_tui.core.agent_events import ProviderSwitched
from flux_tui.services.providers import SwitchRefused, already_on
from flux_tui.ui.heap import freeze_after_warm_up
from flux_tui.ui.widgets.top_bar import with_current

if TYPE_CHECKING:
    from flux_tui.core.protocols import ChatProvider
    from flux_tui.ui.app import FluxApp

SWITCH_REFUSED = "Can't switch while an answer is streaming: wait for it, or press Esc to cancel it first."


class ProviderControl:
    """Mixed into ``FluxApp``."""

    _windows_looked_up = False  # set once the first frame is drawn (genai-prices imports slowly)

    def switch_provider(self: FluxApp, name: str, model: str | None = None) -> bool:
        """Continue on another provider; False (with a message) when refused."""
        if already_on(self.agent.provider, name, model):
            return True
        if self.turn_running:
            return self._refuse(self.busy_text(SWITCH_REFUSED))
        try:
            warning = self.provider_service.switch(self.agent, name, model)
        except SwitchRefused as exc:
            return self._refuse(str(exc))
        if warning:
            self.conversation.notice(warning, "warning")
        return True

    def switch_model(self: FluxApp, model: str) -> bool:
        provider = self.agent.provider
        if already_on(provider, provider.name, model):
            return True
        if self.turn_running:
            return self._refuse(self.busy_text(SWITCH_REFUSED))
        homes = self.provider_service.home_of(model, provider.name)
        if len(homes) == 1:
            home = homes[0]
            self.conversation.notice(f"{model} is a model of {home}, not of {provider.name}: switching.")
            return self.switch_provider(home, model)
        self._say_if_not_listed(provider, model, homes)
        self.provider_service.switch_model(self.agent, model)
        return True

    def _say_if_not_listed(
        self: FluxApp, provider: ChatProvider, model: str, homes: Sequence[str] = ()
    ) -> None:
        if not self.provider_service.lists_model(provider, model):
            # Sent as named all the same: an endpoint may serve models it does not list.
            choose = f" {' and '.join(homes)} list it: /provider NAME {model} goes to one." if homes else ""
            self.conversation.notice(
                f"{model} is not among the models {provider.name} lists; requests go to it by that name."
                + choose,
                "warning",
            )

    def _refuse(self: FluxApp, text: str) -> bool:
        self.conversation.notice(text, "warning")
        self.show_current_provider()
        return False

    def show_current_provider(self: FluxApp) -> None:
        """The app's state names the provider and model the next prompt goes to."""
        provider = self.agent.provider
        self.show_provider(provider.name, provider.model, self.provider_service.models_of(provider))

    def show_provider(self: FluxApp, name: str, model: str, models: list[str]) -> None:
        self.provider, self.model, self.models = name, model, models

    @property
    def model_choices(self: FluxApp) -> list[str]:
        """The models the menu offers (the one in use among them)."""
        return with_current(self.models, self.model)

    def on_provider_switched(self: FluxApp, event: ProviderSwitched) -> None:
        """Reflect a switch (user, failover, or replayed) in the app's state. A replayed switch only
        changes what the menus and sidebar show: a replay builds no provider and asks no endpoint."""
        provider = self.agent.provider
        live = self.replay is None and event.provider == provider.name
        models = self.provider_service.models_of(provider) if live else [event.model]
        self.show_provider(event.provider, event.model, models)
        if live and not self.provider_service.knows_models(event.provider):
            self.load_models()

    def watch_provider(self: FluxApp) -> None:
        self.look_up_model_facts()

    def watch_model(self: FluxApp) -> None:
        self.look_up_model_facts()

    def look_up_model_facts(self: FluxApp) -> None:
        """The context window and the input price of the model in the app's state, looked up off the UI
        thread; not before the first frame (see ``FluxApp._after_first_frame``)."""
        self.context_window = None
        self.input_price = None
        if self._windows_looked_up:
            self._model_facts_worker(self.provider, self.model)

    # -- workers -------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="model-facts", exit_on_error=False)
    def _model_facts_worker(self: FluxApp, name: str, model: str) -> None:
        # genai-prices takes a while to import: never on the UI thread before the first frame.
        window = self.provider_service.context_window(name, model)
        price = self.provider_service.input_price(name, model)
        self.call_from_thread(self._set_model_facts, name, model, window, price)

    def _set_model_facts(
        self: FluxApp, name: str, model: str, window: int | None, price: float | None
    ) -> None:
        if (self.provider, self.model) == (name, model):  # still the one in use
            self.context_window = window
            self.input_price = price

    @work(exclusive=True, group="models", exit_on_error=False)
    async def load_models(self: FluxApp) -> None:
        """Fill the model menu from the endpoint (configured models first), without blocking the UI."""
        provider = self.agent.provider
        models = await self.provider_service.load_models(provider)
        if provider is self.agent.provider and models:
            self.models = models
            # The model the app started with, or switched to with its provider, may be another
            # provider's (``FLUX_MODEL`` beside ``--provider``): said once the endpoint's list is known.
            if self.replay is None:
                self._say_if_not_listed(provider, provider.model)
            if self.context_window is None:
                self.look_up_model_facts()  # the endpoint's list may have said it

    def warm_up(self: FluxApp) -> None:
        """Build the provider (SDK import in a thread) after the first frame, then list its models; then
        load what drawing an answer needs and the token encoding, and freeze the start-up heap
        (``heap``). Not while a replay plays: its end warms the provider up (see ``ReplayController``)."""
        if self.replay is None:
            self._warm_up_worker()

    @work(group="warm-up", exit_on_error=False)
    async def _warm_up_worker(self: FluxApp) -> None:
        provider = self.agent.provider
        await self.provider_service.warm_up(provider)
        if provider is self.agent.provider:
            self.load_models()
        await asyncio.to_thread(_preload_first_answer)
        await freeze_after_warm_up()


def _preload_first_answer() -> None:
    """In the warm-up's thread, what the first answer would load as it streams: the answer's modules
    (markdown-it, Rich's Markdown: most of it, and on the event loop they would hold back the echo of
    keys typed at the first frame), the patterns that redact what the session stores, and the cost
    attribution the inspector makes with the answer's first event (about 5 ms for the last two)."""
    import flux_tui.core.attribution  # noqa: F401  (imported, not used here)
    from flux_tui.core.redact import compile_patterns
    from flux_tui.ui.widgets.answer_markdown import preload

    preload()
    compile_patterns()
