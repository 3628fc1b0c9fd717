"""The footer: Textual's, with each key classed by its action (``-key-toggle-sidebar``...), so the
narrower layouts can leave the less needed keys out rather than cut the line, and Esc's "Cancel answer"
shows only while an answer streams (``busy``, bound to the app's)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.dom import NoScreen
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

_CANCEL = "-key-cancel-turn"


class FluxFooter(Footer):
    # Unscoped: the narrower layouts are classes of the screen (-medium: 80 to 109 columns, -narrow:
    # under 80); there the footer leaves out the keys the welcome and /help tell. While a replay plays
    # (the conversation screen's -replay) it leaves out the keys a replay refuses.
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    Screen.-medium FluxFooter .-key-newline,
    Screen.-medium FluxFooter .-key-clear,
    Screen.-medium FluxFooter .-key-sessions,
    Screen.-narrow FluxFooter .-key-newline,
    Screen.-narrow FluxFooter .-key-clear,
    Screen.-narrow FluxFooter .-key-sessions,
    Screen.-narrow FluxFooter .-key-toggle-inspector,
    Screen.-narrow FluxFooter .-key-toggle-sidebar,
    Screen.-replay FluxFooter .-key-clear,
    Screen.-replay FluxFooter .-key-sessions {
        display: none;
    }
    """

    busy: reactive[bool] = reactive(False, init=False)

    _recompose_due = False
    _composed_from: tuple[Any, ...] | None = None  # what the keys shown were composed from

    def watch_busy(self, busy: bool) -> None:
        # Esc cancels nothing while no answer streams. The key's own display rather than the binding's
        # ``check_action`` (a changed binding composes the whole row again, 10 to 18 ms) or a class
        # (the footer's keys restyled): at every turn's start and end, where the answer's frames wait.
        for key in self.query(FooterKey).filter(f".{_CANCEL}"):
            key.display = busy

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's, but the changes that come before one refresh compose the footer once: Textual
        queued a whole new row of keys for each (eleven rows before the first frame)."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._recompose_due:
            self._recompose_due = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_due = False
        try:
            shown = self._shown()
        except NoScreen:
            return  # its screen (the sessions browser) closed before the frame after the change
        # A focus change or a refreshed binding often leaves the keys shown as they are: composing the
        # same row again costs 10 to 18 ms of the event loop (measured), right after the first frame
        # too, where the first keys typed wait for their echo.
        if shown != self._composed_from:
            await self.recompose()

    def _shown(self) -> tuple[Any, ...] | None:
        """Everything the composed row depends on; None while the bindings are not ready."""
        if not self._bindings_ready:
            return None
        shown = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )
        return shown, self.compact, self.show_command_palette, self.combine_groups

    def compose(self) -> ComposeResult:
        self._composed_from = self._shown()
        # Each key's ``compact`` watcher restyled it: a key starts compact, then takes the footer's
        # value once bound, each change a restyle of a mounted key. With the bound keys' value and
        # classes set before they are mounted, the watcher finds nothing to change.
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                action = widget.action.rpartition(".")[2].partition("(")[0]
                if not widget.has_class("-command-palette"):  # the one key Textual leaves unbound
                    widget.set_reactive(FooterKey.compact, self.compact)
                    widget.set_class(self.compact, "-compact", update=False)
                widget.add_class(f"-key-{action.replace('_', '-')}", update=False)
                if not self.busy and widget.has_class(_CANCEL):
                    widget.display = False
            yield widget
