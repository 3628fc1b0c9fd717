"""The theme: the one chosen in the command palette ("Theme") is remembered in a small state
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
    from textual.app import App

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


class ThemeMemory:
    """The theme chosen last (kept in the state file at ``path``) and the Rich colours of the theme in
    use. ``restore`` before the first frame: no flash of the default theme."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved = ""  # the theme the state file holds (not written again)
        self._palette: Palette | None = None
        self._palette_theme = ""

    def restore(self, app: App[object]) -> None:
        name = read_state(self.path).get("theme")
        if isinstance(name, str) and name in app.available_themes:
            app.theme = name
            self._saved = name
        elif name is not None:
            log.warning("the saved theme %r is not available; using %r", name, app.theme)

    def palette(self, app: App[object]) -> Palette:
        """Rich colours of ``app``'s current theme (built once per theme)."""
        if self._palette is None or self._palette_theme != app.theme:
            self._palette = Palette(app.get_css_variables())
            self._palette_theme = app.theme
        return self._palette

    def remember(self, name: str) -> str | None:
        """Keep ``name`` as the theme to restore; why it could not be kept, or None."""
        if name == self._saved:
            return None
        try:
            write_state(self.path, theme=name)
        except OSError as exc:
            return f"The theme is used but not remembered: {exc}"
        self._saved = name
        return None
