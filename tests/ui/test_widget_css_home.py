"""Each widget owns its look (its ``DEFAULT_CSS``, as Textual's own widgets do); the conversation
screen's ``DEFAULT_CSS`` holds only the layout of its areas, and must not style a widget of flux-tui, nor
what a widget's ``DEFAULT_CSS`` styles: a rule there would silently win over the widget's own. Dialogs
keep theirs in a ``.tcss`` beside them (``CSS_PATH``); the app's default screen cannot (Textual reads a
screen's ``CSS_PATH`` only for the screens it pushes)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

from textual.dom import DOMNode
from textual.screen import Screen

import flux_tui.ui
from flux_tui.ui.screens.conversation import ConversationScreen

SCREEN_CSS = ConversationScreen.DEFAULT_CSS


def _selectors(css: str) -> set[str]:
    """The type names, ``#ids`` and ``.classes`` the selectors of ``css`` name."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    heads = re.findall(r"([^{}]*)\{", css)
    names: set[str] = set()
    for head in heads:
        names |= set(re.findall(r"[#.][\w-]+|(?<![\w#.:-])[A-Z]\w*", head))
    return names


def _flux_widgets() -> list[type[DOMNode]]:
    for module in pkgutil.walk_packages(flux_tui.ui.__path__, "flux_tui.ui."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("flux_tui."):
            found.append(cls)
    return found


def test_the_screen_layout_names_no_widget_of_flux_tui() -> None:
    named = _selectors(SCREEN_CSS)
    widgets = {cls.__name__ for cls in _flux_widgets()} - {"FluxApp", "ConversationScreen"}
    assert named & widgets == set()


def test_the_screen_layout_styles_nothing_a_widget_styles_itself() -> None:
    named = {name for name in _selectors(SCREEN_CSS) if name[0] in "#."}
    owned: dict[str, str] = {}
    for cls in _flux_widgets():
        if cls is ConversationScreen:
            continue
        for name in _selectors(cls.__dict__.get("DEFAULT_CSS", "")):
            owned.setdefault(name, cls.__name__)
    clashes = {name: owned[name] for name in named if name in owned}
    assert clashes == {}


def test_screens_keep_their_look_in_a_tcss_beside_them() -> None:
    screens = [cls for cls in _flux_widgets() if issubclass(cls, Screen)]
    inline = {cls.__name__ for cls in screens if "DEFAULT_CSS" in cls.__dict__ and not cls.__subclasses__()}
    assert inline == {
        "ConversationScreen"
    }  # a base class of screens styles what it gives them in its DEFAULT_CSS
    for cls in screens:
        module = Path(sys.modules[cls.__module__].__file__ or "")
        paths = cls.__dict__.get("CSS_PATH") or []
        for path in [paths] if isinstance(paths, str | Path) else paths:
            assert (module.parent / path).is_file(), (cls.__name__, path)


def test_the_selector_reader_sees_types_ids_and_classes() -> None:
    css = "/* Fake {} */ Screen.-narrow #top-bar .menu, ChatPane:focus > Static { width: 1; }"
    assert _selectors(css) == {"Screen", ".-narrow", "#top-bar", ".menu", "ChatPane", "Static"}
