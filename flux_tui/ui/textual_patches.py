"""Fixes for Textual 8.2 bugs: four that made a long conversation slower and heavier than it has to be,
and one that broke a paste holding an escape character into key presses.

Each fix replaces a private Textual method, so each is applied only where the installed Textual still has
the bug as it was read and measured: the Textual minor series ``CHECKED_ON`` (pyproject pins ``textual``
to it) and the exact parameters of the method replaced. Anything else (a newer Textual, a changed
signature, a method Textual has since fixed) leaves Textual as it is and logs why, once per patch.

1. ``StylesCache.get_inner_outer`` (Textualize/textual#6665) is written as a class method (its first
parameter is ``cls``) but is not declared one, so its ``lru_cache(1024)`` is keyed on the ``StylesCache``
instance: the cache keeps the last 1,024 widgets' style caches, with every line they drew (``Strip``
objects and their own caches), whether or not the widgets still exist. In a long conversation that was
about 0.4 MB more for each exchange, folded turns included. The colours are all the result depends on, so
they are all the cache is keyed on here. Textual declaring the method a class or static method fixes it.

2. ``Compositor.reflow`` lays out every widget (``visible_only=False``) and keeps the result as its
full map, but leaves the map marked stale: the first widget asked for its region afterwards (Textual
asks during the same layout pass, for widgets whose size changed) makes the compositor lay out every
widget a second time. In a chat that means every widget of every turn on screen, twice per frame in
which an answer grew: measured, 6 ms of a 24 ms layout 35 exchanges into a session. The map is marked
fresh once ``reflow`` has built it. Not reported upstream when this was written.

3. After a full layout, ``Screen._refresh_layout`` hands each widget the sizes it has just computed with
``Widget._size_updated(..., layout=True)``, which sets ``virtual_size`` through its reactive, declared
with ``layout=True``: every widget whose content grew asks for the layout that has just been done. A
streaming answer grows on every beat, so each beat drew a second frame about 40 ms after the first
(a whole layout and a repaint of the chat, 4 ms, for nothing on screen). The partial-layout path of the
same method passes ``layout=False``; so does this patch for the full one. Nothing watches
``virtual_size``, and the scrollbars are updated as before (``_scroll_update``). Not reported upstream
when this was written.

4. In the same call, ``_scroll_update`` gives a scrolling container's scroll bars their new size and
position and asks them to repaint; that request reaches the screen as a message after the frame of
the layout has been drawn, so the bar (whose place did not change, so the layout's frame left it
out) is drawn in a frame of its own: 2.5 frames a second while an answer streams, each 1.5 ms of CPU
and a write to the terminal. The same replacement of ``_size_updated`` adds the bars' regions to the
frame being drawn, so the thumb moves in the frame that scrolls the text, and drops the request for
the frame after. Not reported upstream when this was written.

5. ``XTermParser.feed`` leaves a bracketed paste at the first ESC inside it, so the rest of the pasted
text arrives as keys (an Enter in it sends the prompt). ``paste_guard.guarded_feed`` holds a paste's
text until its end marker and gives it to the parser without its escape sequences. Not reported
upstream when this was written.

``apply()`` is idempotent.

Besides the fixes, ``draw_now`` asks a screen for its pending frame at once, through the private method
its update timer calls, under the same gate: elsewhere the timer's next tick draws the frame.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Any

from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual._xterm_parser import XTermParser
from textual.color import Color
from textual.dom import NoScreen
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget

from flux_tui.ui.paste_guard import guarded_feed, splits_a_paste

log = logging.getLogger(__name__)

CHECKED_ON = (8, 2)  # the Textual minor series these bugs were read and measured on


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(_self: object, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


_original_reflow = Compositor.reflow


def _reflow(self: Compositor, parent: Any, size: Any) -> Any:
    result = _original_reflow(self, parent, size)
    self._full_map_invalidated = False  # the full map was just built
    return result


_original_size_updated = Widget._size_updated


def _size_updated(
    self: Widget, size: Any, virtual_size: Any, container_size: Any, layout: bool = True
) -> bool:
    changed = _original_size_updated(self, size, virtual_size, container_size, layout=False)
    if changed and self.is_scrollable:
        _paint_scroll_bars_in_this_frame(self)
    return changed


def _paint_scroll_bars_in_this_frame(widget: Widget) -> None:
    """Bars asking for a repaint during a layout pass are drawn by that pass's frame (fix 4)."""
    bars = {
        bar
        for bar in (widget._vertical_scrollbar, widget._horizontal_scrollbar)
        if bar is not None and bar._repaint_required
    }
    if not bars:
        return
    try:
        compositor = widget.screen._compositor
    except NoScreen:
        return
    if not bars <= compositor.visible_widgets.keys():
        return  # a bar not on screen yet: its own request brings it
    compositor.update_widgets(bars)
    for bar in bars:
        bar._repaint_required = False


def _lru_cached_on_the_instance(current: object) -> bool:
    """The bug of ``get_inner_outer``: an ``lru_cache`` on a plain method (so keyed on ``self``)."""
    return hasattr(current, "cache_info") and not isinstance(current, classmethod | staticmethod)


@dataclass(frozen=True)
class Patch:
    """One replaced method: where, what it fixes, and the parameters of the method it was checked on."""

    name: str
    owner: type
    attribute: str
    replacement: Callable[..., Any]
    parameters: tuple[str, ...]
    upstream: str  # the upstream issue it answers, or why there is none
    has_bug: Callable[[object], bool] = lambda _current: True  # a check of the bug itself, if one can be

    @property
    def original(self) -> object:
        """Textual's own method, as it was before ``apply`` (tests put it back to show the bug)."""
        return _ORIGINALS[self.name]


PATCHES = (
    Patch(
        "style cache leak",
        StylesCache,
        "get_inner_outer",
        _get_inner_outer,
        ("cls", "base_background", "background"),
        "https://github.com/Textualize/textual/issues/6665",
        _lru_cached_on_the_instance,
    ),
    Patch(
        "full map left stale after reflow",
        Compositor,
        "reflow",
        _reflow,
        ("self", "parent", "size"),
        "not reported upstream",
    ),
    Patch(
        "second layout from the sizes of a full layout",
        Widget,
        "_size_updated",
        _size_updated,
        ("self", "size", "virtual_size", "container_size", "layout"),
        "not reported upstream",
    ),
    Patch(
        "a paste broken into keys at an escape character",
        XTermParser,
        "feed",
        guarded_feed,
        ("self", "data"),
        "not reported upstream",
        splits_a_paste,
    ),
)

_ORIGINALS = {patch.name: inspect.getattr_static(patch.owner, patch.attribute) for patch in PATCHES}


def textual_version() -> str:
    """The installed Textual's version, from the header of its ``METADATA``: ``metadata.version``
    parses the whole file as an e-mail (Textual's holds its README), importing ``email.parser`` on the
    way, about 1 ms before the first frame, measured."""
    text = metadata.distribution("textual").read_text("METADATA") or ""
    for line in text.splitlines():
        if not line:
            break  # the header ends at the first empty line
        if line.startswith("Version:"):
            return line.partition(":")[2].strip()
    return metadata.version("textual")  # not in the header (never, in a well-formed file): as it says


def _series(version: str) -> tuple[int, ...]:
    parts = version.split(".")[:2]
    return tuple(int(part) for part in parts if part.isdigit())


def _parameters(attribute: object) -> tuple[str, ...] | None:
    """The parameters of a method as written (``cls`` or ``self`` included)."""
    if isinstance(attribute, classmethod | staticmethod):
        attribute = attribute.__func__
    try:
        return tuple(inspect.signature(attribute).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def why_not(patch: Patch, version: str | None = None) -> str | None:
    """Why ``patch`` does not apply to the installed Textual, or None when it does."""
    version = version or textual_version()
    if _series(version) != CHECKED_ON:
        checked = ".".join(map(str, CHECKED_ON))
        return f"Textual {version} is not the {checked} series it was checked on"
    current = inspect.getattr_static(patch.owner, patch.attribute, None)
    if current is None:
        return f"Textual {version} has no {patch.owner.__name__}.{patch.attribute}"
    if not patch.has_bug(current):
        return f"{patch.owner.__name__}.{patch.attribute} no longer has the bug in Textual {version}"
    parameters = _parameters(current)
    if parameters != patch.parameters:
        return (
            f"{patch.owner.__name__}.{patch.attribute} takes {parameters} in Textual {version}, "
            f"not {patch.parameters} as checked"
        )
    return None


_skipped: set[str] = set()  # patches whose skipping was logged (once per process)
_version_read: str | None = None  # by ``apply``


def version_read() -> str | None:
    """The version ``apply`` read, if it read one (``textual_css_cache`` is gated on it too)."""
    return _version_read


# Screen's update timer calls this to lay out and draw what is pending; it checks itself that the screen
# is current and no batch holds the frame. The timer ticks on a fixed 60 Hz grid, so a frame asked for
# between ticks waits up to 17 ms for it.
_DRAW = ("_on_timer_update", ("self",))
_draw_now_refused: str | bool | None = False  # False: not decided yet; None: allowed; str: why not


def why_not_draw_now(version: str | None = None) -> str | None:
    """Why ``draw_now`` leaves the frame to the timer on the installed Textual, or None."""
    version = version or textual_version()
    if _series(version) != CHECKED_ON:
        return f"Textual {version} is not the {'.'.join(map(str, CHECKED_ON))} series it was checked on"
    name, parameters = _DRAW
    current = inspect.getattr_static(Screen, name, None)
    if current is None or _parameters(current) != parameters:
        return f"Screen.{name} in Textual {version} is not the method it was checked as"
    return None


def _decide_draw_now(version: str | None = None) -> str | None:
    global _draw_now_refused
    if _draw_now_refused is False:
        _draw_now_refused = why_not_draw_now(version)
        if _draw_now_refused is not None:
            log.info("Frames are left to Textual's timer: %s", _draw_now_refused)
    return _draw_now_refused  # type: ignore[return-value]


def draw_now(screen: Screen[Any]) -> bool:
    """Ask ``screen`` to draw its pending frame once it has taken the messages it holds, instead of at
    its timer's next tick; returns False where the installed Textual leaves it to the timer."""
    if _decide_draw_now() is not None:
        return False
    screen.call_later(getattr(screen, _DRAW[0]))
    return True


def apply() -> bool:
    """Patch what still has the bugs; returns whether anything was patched now."""
    global _version_read
    patched = False
    version: str | None = None  # read once: each read of a package's metadata scans sys.path (ms)
    for patch in PATCHES:
        if inspect.getattr_static(patch.owner, patch.attribute, None) is patch.replacement:
            continue
        version = version or textual_version()
        reason = why_not(patch, version)
        if reason is not None:
            if patch.name not in _skipped:
                _skipped.add(patch.name)
                log.info("Textual patch %r (%s) not applied: %s", patch.name, patch.upstream, reason)
            continue
        setattr(patch.owner, patch.attribute, patch.replacement)
        patched = True
    if _draw_now_refused is False:
        version = version or textual_version()
        _decide_draw_now(version)
    if version is not None:
        _version_read = version
    return patched
