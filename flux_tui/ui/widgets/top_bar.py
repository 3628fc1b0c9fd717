"""The top bar: provider and model menus, and a status word (streaming, yolo)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, Select, Static

from flux_tui.ui.messages import ModelChosen, ProviderChosen


class TopBar(Horizontal):
    """Menus post ``ProviderChosen`` / ``ModelChosen`` when the user picks; the app decides and then
    calls ``show_provider`` / ``set_models`` to reflect what actually happened."""

    def __init__(
        self,
        providers: list[tuple[str, str]],
        provider: str,
        models: list[str],
        model: str,
        *,
        id: str = "top-bar",
    ) -> None:
        super().__init__(id=id)
        self.provider = provider
        self.model = model
        self._providers = providers
        self._models = _with(models, model)

    def compose(self) -> ComposeResult:
        yield Label("flux", id="brand")
        yield Label("provider", classes="menu-label")
        yield Select(
            self._providers, value=self.provider, allow_blank=False, compact=True, id="provider-select"
        )
        yield Label("model", classes="menu-label")
        yield Select(
            [(name, name) for name in self._models],
            value=self.model,
            allow_blank=False,
            compact=True,
            id="model-select",
        )
        yield Static("", id="status")

    # -- reflecting the app's state ------------------------------------------------------------

    def show_provider(self, provider: str, model: str, models: list[str] | None = None) -> None:
        self.provider = provider
        self.model = model
        select: Select[str] = self.query_one("#provider-select", Select)
        with self.prevent(Select.Changed):
            select.value = provider
        self.set_models(models if models is not None else [model], model)

    def set_models(self, models: list[str], model: str) -> None:
        self.model = model
        self._models = _with(models, model)
        select: Select[str] = self.query_one("#model-select", Select)
        with self.prevent(Select.Changed):
            select.set_options([(name, name) for name in self._models])
            select.value = model

    def set_provider_options(self, providers: list[tuple[str, str]]) -> None:
        self._providers = providers
        select: Select[str] = self.query_one("#provider-select", Select)
        with self.prevent(Select.Changed):
            select.set_options(providers)
            select.value = self.provider

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Content.styled(text, style) if style else Content(text))

    @property
    def models(self) -> list[str]:
        return list(self._models)

    # -- user picks ----------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        if not isinstance(value, str):
            return
        if event.select.id == "provider-select" and value != self.provider:
            self.post_message(ProviderChosen(value))
        elif event.select.id == "model-select" and value != self.model:
            self.post_message(ModelChosen(value))


def _with(models: list[str], model: str) -> list[str]:
    unique = list(dict.fromkeys(models))
    return unique if not model or model in unique else [model, *unique]
