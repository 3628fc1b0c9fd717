"""The theme: the one chosen in the command palette ("Change theme") is remembered in a small state
file beside flux.toml (``ui-state.json`` in the user config dir) and restored at the next start; what the
app draws with Rich (answers, code, diffs, JSON) takes its colours from it (``theme_colors``).

The state file is the app's own: a damaged or unreadable one is ignored (the default theme is used, and
the next choice rewrites it); a theme that no longer exists is ignored too.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from flux_tui.ui.theme_colors import Palette

if TYPE_CHECKING:
    from textual.theme import Theme

    from flux_tui.ui.app import FluxApp

log = logging.getLogger(__name__)

STATE_FILE = "ui-state.json"


def read_state(path: Path) -> dict[str, object]:
    """The state file's object; empty when it is missing or not one (the reason is logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("ignoring the UI state file %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def write_state(path: Path, **values: object) -> None:
    """Merge ``values`` into the state file, replaced whole (a crash leaves the old one or the new)."""
    data = {**read_state(path), **values}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".ui-state-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
            file.write("\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class ThemeControl:
    """Mixed into ``FluxApp``: ``restore_theme()`` in ``__init__``, ``follow_theme()`` once mounted."""

    _palette: Palette | None = None
    _palette_theme = ""
    _theme_saved = ""  # the theme the state file holds (not written again)

    @property
    def state_path(self: FluxApp) -> Path:
        return self.config.config_path / STATE_FILE

    def restore_theme(self: FluxApp) -> None:
        name = read_state(self.state_path).get("theme")
        if isinstance(name, str) and name in self.available_themes:
            self.theme = name
            self._theme_saved = name
        elif name is not None:
            log.warning("the saved theme %r is not available; using %r", name, self.theme)

    def follow_theme(self: FluxApp) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    @property
    def palette(self: FluxApp) -> Palette:
        """Rich colours of the current theme (built once per theme)."""
        if self._palette is None or self._palette_theme != self.theme:
            self._palette = Palette(self.get_css_variables())
            self._palette_theme = self.theme
        return self._palette

    def _theme_changed(self: FluxApp, theme: Theme) -> None:
        self._palette = None
        self.conversation.restyle()
        if theme.name != self._theme_saved:
            try:
                write_state(self.state_path, theme=theme.name)
            except OSError as exc:
                self.notify(f"The theme is used but not remembered: {exc}", severity="warning")
                return
            self._theme_saved = theme.name
