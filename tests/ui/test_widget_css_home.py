"""Each widget owns its look (its ``DEFAULT_CSS``, as Textual's own widgets do); ``app.tcss`` holds only
the layout of the main screen's areas. The stylesheet must not style a widget of flux-tui, nor what a
widget's ``DEFAULT_CSS`` styles: a rule there would silently win over the widget's own. Screens keep
theirs in a ``.tcss`` beside them (``CSS_PATH``)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

from textual.dom import DOMNode
from textual.screen import Screen

import flux_tui.ui

APP_CSS = Path(flux_tui.ui.__file__).with_name("app.tcss")


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


def test_app_tcss_names_no_widget_of_flux_tui() -> None:
    named = _selectors(APP_CSS.read_text())
    widgets = {cls.__name__ for cls in _flux_widgets()} - {"FluxApp"}
    assert named & widgets == set()


def test_app_tcss_styles_nothing_a_widget_styles_itself() -> None:
    named = {name for name in _selectors(APP_CSS.read_text()) if name[0] in "#."}
    owned: dict[str, str] = {}
    for cls in _flux_widgets():
        for name in _selectors(cls.__dict__.get("DEFAULT_CSS", "")):
            owned.setdefault(name, cls.__name__)
    clashes = {name: owned[name] for name in named if name in owned}
    assert clashes == {}


def test_screens_keep_their_look_in_a_tcss_beside_them() -> None:
    screens = [cls for cls in _flux_widgets() if issubclass(cls, Screen)]
    inline = {cls.__name__ for cls in screens if "DEFAULT_CSS" in cls.__dict__ and not cls.__subclasses__()}
    assert inline == set()  # a base class of screens styles what it gives them in its DEFAULT_CSS
    for cls in screens:
        module = Path(sys.modules[cls.__module__].__file__ or "")
        paths = cls.__dict__.get("CSS_PATH") or []
        for path in [paths] if isinstance(paths, str | Path) else paths:
            assert (module.parent / path).is_file(), (cls.__name__, path)


def test_the_selector_reader_sees_types_ids_and_classes() -> None:
    css = "/* Fake {} */ Screen.-narrow #top-bar .menu, ChatPane:focus > Static { width: 1; }"
    assert _selectors(css) == {"Screen", ".-narrow", "#top-bar", ".menu", "ChatPane", "Static"}
