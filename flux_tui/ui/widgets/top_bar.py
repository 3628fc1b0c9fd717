"""The top bar: provider and model menus, and a status word (streaming, yolo, replay).

What it shows is the app's state, bound to the bar's reactives (``data_bind``): the provider and model
in use, the models to offer, the provider menu's entries, whether an answer streams, and the mode.

The menus are Textual ``Select`` widgets, which cost a quarter of the time from ``App.run`` to the
first frame (their overlays, option lists and styles). The first frame shows ``MenuFace`` stand-ins
that draw what a closed menu draws; the real menus replace them right after it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widget import MountError
from textual.widgets import Label, Select, Static
from textual.widgets._select import SelectOverlay

from flux_tui.ui.messages import MenuClosed, ModelChosen, ProviderChosen

ARROW = "▼"
REPLAY_STATUS = "▶ replay · nothing is sent, run or recorded"
STREAMING_STATUS = "● streaming"
YOLO_STATUS = "yolo: tools run without asking"
MENUS_OFF = "The provider and model menus are off while a replay plays (Esc closes it)."


class MenuSelect(Select[str]):
    """A provider or model menu. Built after the first frame, so quitting at once can take it down
    before it is composed; Textual's ``Select`` then fails in its mount handler (a traceback on exit)."""

    @property
    def composed(self) -> bool:
        return bool(self.children)

    def _on_mount(self, event: events.Mount) -> None:
        if not self.composed:
            event.prevent_default()  # nothing was composed: nothing to set up

    @on(SelectOverlay.UpdateSelection)
    @on(SelectOverlay.Dismiss)
    def _closing(self, event: SelectOverlay.UpdateSelection | SelectOverlay.Dismiss) -> None:
        # A menu left focused takes the next keys: space opens it again and letters are lost. Once it
        # closes (a choice, Esc), the app gives the keyboard back; after the refresh, because
        # ``Select`` focuses itself again as it closes. Closed by a click elsewhere: focus is there.
        if isinstance(event, SelectOverlay.Dismiss) and event.lost_focus:
            return
        self.call_after_refresh(self.post_message, MenuClosed())


class MenuFace(Static):
    """A closed menu's face: the chosen value, then the arrow at the right edge, as ``Select`` draws
    it in compact mode."""

    def __init__(self, value: str, *, id: str) -> None:
        super().__init__(id=id, classes="menu menu-face")
        self.value = value

    def show(self, value: str) -> None:
        self.value = value
        self.refresh()

    def render(self) -> Content:
        room = max(self.content_region.width - 3, 0)  # " ▼ ": the arrow's padding and its right pad
        label = self.value[:room].ljust(room)
        return Content.assemble(label, " ", (ARROW, "$foreground 50%"), " ")


class TopBar(Horizontal):
    """Menus post ``ProviderChosen`` / ``ModelChosen`` when the user picks; the app decides, and what
    actually happened comes back down through the bound reactives."""

    provider: reactive[str] = reactive("", init=False)
    model: reactive[str] = reactive("", init=False)
    models: reactive[list[str]] = reactive(list, init=False)
    providers: reactive[list[tuple[str, str]]] = reactive(list, init=False)
    busy: reactive[bool] = reactive(False, init=False)
    mode: reactive[str] = reactive("live", init=False)  # "live" or "replay"
    yolo: reactive[bool] = reactive(False, init=False)

    # Unscoped: the narrower layouts are classes of the screen (-medium: 80 to 109 columns, -narrow:
    # under 80), which a scoped rule could not name; the bar's id gives its rules the specificity
    # that beats Select's own.
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    #top-bar {
        dock: top;
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    #top-bar #brand {
        text-style: bold;
        color: $accent;
        margin-right: 2;
    }
    #top-bar .menu-label {
        color: $text-muted;
        margin-right: 1;
    }
    #top-bar .menu {
        width: 30;
        margin-right: 2;
    }
    #top-bar #model-select, #top-bar #model-face {
        width: 36;
    }
    #top-bar MenuFace {
        background: $surface;
        color: $foreground;
    }
    /* Textual's focused compact Select is a 5% tint of $surface on $panel: next to invisible. */
    #top-bar Select:focus > SelectCurrent {
        background: $primary;
        color: $text;
    }
    #top-bar Select:focus > SelectCurrent .arrow {
        color: $text;
    }
    #top-bar #status {
        width: 1fr;
        text-align: right;
        color: $warning;
        /* One line: a narrow terminal shows how the status begins, cut with an ellipsis. */
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    /* Narrower terminals: the menus lose their labels and narrow. */
    Screen.-medium #top-bar .menu-label,
    Screen.-narrow #top-bar .menu-label {
        display: none;
    }
    Screen.-medium #top-bar .menu {
        width: 24;
    }
    Screen.-medium #top-bar #model-select, Screen.-medium #top-bar #model-face {
        width: 30;
    }
    Screen.-narrow #top-bar #brand {
        margin-right: 1;
    }
    Screen.-narrow #top-bar .menu {
        width: 1fr;
        margin-right: 1;
    }
    Screen.-narrow #top-bar #model-select, Screen.-narrow #top-bar #model-face {
        width: 2fr;
    }
    Screen.-narrow #top-bar #status {
        width: 12;
    }
    """

    def __init__(self, *, id: str = "top-bar") -> None:
        super().__init__(id=id)
        self._menus: tuple[Select[str], Select[str]] | None = None

    def compose(self) -> ComposeResult:
        yield Label("flux", id="brand")
        yield Label("provider", classes="menu-label")
        yield MenuFace(self.provider, id="provider-face")
        yield Label("model", classes="menu-label")
        yield MenuFace(self.model, id="model-face")
        yield Static("", id="status")

    async def _build_menus(self) -> None:
        menu = {"allow_blank": False, "compact": True, "classes": "menu"}
        providers = MenuSelect(_literal(self.providers), value=self.provider, id="provider-select", **menu)
        models = MenuSelect(self._model_options(), value=self.model, id="model-select", **menu)
        with self.app.batch_update():
            # A Select takes a value only once composed, so the faces stand in until both are mounted;
            # what changed meanwhile (a replay switching providers) is then carried over.
            try:
                await self.mount(providers, after="#provider-face")
                await self.mount(models, after="#model-face")
            except MountError:
                return  # the bar was taken down first (quitting at once): nothing to build
            if not (providers.composed and models.composed):
                return  # taken down before composing (quitting at once): the faces stay to the end
            self._menus = (providers, models)
            self._show_menus()
            await self.query(MenuFace).remove()

    # -- reflecting the app's state -------------------------------------------------------------

    def watch_provider(self) -> None:
        self._show_menus()

    def watch_model(self) -> None:
        self._show_menus()

    def watch_models(self) -> None:
        self._show_menus()

    def watch_providers(self) -> None:
        self._show_menus()

    def watch_busy(self) -> None:
        self._show_status()

    def watch_yolo(self) -> None:
        self._show_status()

    def watch_mode(self, mode: str) -> None:
        self.disabled = mode == "replay"  # a replay is not switched: nothing is sent
        self._show_status()

    def on_mount(self) -> None:
        self._show_status()
        self._show_menus()
        self.call_after_refresh(self._build_menus)

    @property
    def _composed(self) -> bool:
        # Mounted without its children: the app quit as it started, before the bar was composed
        # (the state binds to it all the same).
        return self.is_mounted and bool(self.children)

    def _show_menus(self) -> None:
        if not self._composed:
            return
        if self._menus is None:
            self.query_one("#provider-face", MenuFace).show(self.provider)
            self.query_one("#model-face", MenuFace).show(self.model)
            return
        providers, models = self._menus
        with self.prevent(Select.Changed):
            providers.set_options(_literal(self.providers or [(self.provider, self.provider)]))
            providers.value = self.provider
            models.set_options(self._model_options())
            models.value = self.model

    def _show_status(self) -> None:
        if not self._composed:
            return
        if self.mode == "replay":
            text, style = REPLAY_STATUS, "bold $accent"
        else:
            parts = [STREAMING_STATUS] if self.busy else []
            if self.yolo:
                parts.append(YOLO_STATUS)
            text, style = "  ·  ".join(parts), "bold $accent" if self.busy else ""
        self.query_one("#status", Static).update(Content.styled(text, style) if style else Content(text))

    @property
    def offered_models(self) -> list[str]:
        """The model menu's entries: the models offered, with the current one among them."""
        return with_current(self.models, self.model)

    def _model_options(self) -> list[tuple[Text, str]]:
        return _literal([(name, name) for name in self.offered_models])

    # -- user picks ----------------------------------------------------------------------------

    def open_menu(self, which: str) -> str | None:
        """Open the ``"provider"`` or ``"model"`` menu from the keyboard, the keys on its items; what
        stops it, to tell the user, when it cannot open."""
        if self.disabled:
            return MENUS_OFF
        if self._menus is None:
            return None  # built a moment after the first frame: the key before that does nothing
        menu = self._menus[0] if which == "provider" else self._menus[1]
        menu.focus()
        menu.action_show_overlay()
        return None

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        # A change the menu has since moved on from is not a pick. With another screen in front (the
        # command palette), the Changed of a value set while a switch comes down arrives late: the old
        # provider's model, which taken as a pick goes to the new provider.
        if not isinstance(value, str) or value != event.select.value:
            return
        if event.select.id == "provider-select" and value != self.provider:
            self.post_message(ProviderChosen(value))
        elif event.select.id == "model-select" and value != self.model:
            self.post_message(ModelChosen(value))
        else:
            return
        # The menus show the state: a refused choice snaps back, an accepted one comes down as state.
        self.call_after_refresh(self._show_menus)


def _literal(options: list[tuple[str, str]]) -> list[tuple[Text, str]]:
    """Menu entries as Text: ``Select`` reads a str prompt as markup, and model names come from the
    endpoint, provider names from the configuration."""
    return [(Text(label), value) for label, value in options]


def with_current(models: list[str], model: str) -> list[str]:
    """``models`` without repeats, with ``model`` first when it is not among them."""
    unique = list(dict.fromkeys(models))
    return unique if not model or model in unique else [model, *unique]
