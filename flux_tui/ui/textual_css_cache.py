"""Textual's parsed CSS, kept between runs of the full-screen app.

Textual parses every widget's ``DEFAULT_CSS`` and the app's CSS at each start: for the conversation
screen, 25 sources and about 17,000 characters, 9 to 10 ms of CPU before the first frame (measured),
where unpickling what the previous start parsed takes under 2 ms.

``install(directory)`` (``ui.launch``, before the app is built) replaces ``Stylesheet._parse_rules``
under the gate of the Textual patches (``textual_patches.why_not``: the Textual series they were
checked on, and the method's parameters as read); elsewhere Textual parses as it does. A source is looked
up by everything its parse depends on: its exact text, where it was read from, whether it is default
CSS, its tie breaker and scope, and the stylesheet's variables (the theme's colours). The file names
Textual's and Python's versions and its own format: any other file is ignored, and so is a damaged one.
An entry is pickled as Textual parsed it, before the app could change what it was given; each lookup
unpickles fresh objects, so no two stylesheets share rules. A source with errors is never kept (Textual
reports them as before). ``save()`` (``launch``, once the app has quit) writes the sources this run
looked up, when it parsed one the file did not hold.

The file is in the user's cache dir, written 0600: unpickling runs what the file says, and only the
user can write there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from textual.css.stylesheet import Stylesheet

from flux_tui.ui import textual_patches

log = logging.getLogger(__name__)

FILE_NAME = "textual-css.pickle"
FORMAT = 1  # of the file's contents; another number is another file
_ORIGINAL = Stylesheet._parse_rules

Key = tuple[str, Any, bool, int, str]


class CssCache:
    """The parsed sources of one set of variables, read from ``path`` and written back by ``save``."""

    def __init__(self, path: Path, stamp: tuple[Any, ...]) -> None:
        self.path = path
        self.stamp = stamp
        self.variables: tuple[tuple[str, str], ...] | None = None  # what ``entries`` were parsed with
        self.entries: dict[Key, bytes] = {}
        self.used: set[Key] = set()  # looked up in this run: what ``save`` keeps
        self.hits = 0
        self.added = False  # parsed a source the file did not hold
        self._read()

    def _read(self) -> None:
        try:
            with open(self.path, "rb") as file:
                if not _own_and_private(os.fstat(file.fileno())):
                    log.info("The parsed CSS in %s is not used: not the user's own, private file", self.path)
                    return
                data = file.read()
        except OSError:
            return  # none yet
        try:
            stamp, variables, entries = pickle.loads(data)
        except Exception as exc:  # damaged or of an unknown shape: parsed again and written anew
            log.info("The parsed CSS in %s is not used: %s", self.path, exc)
            return
        if stamp == self.stamp and isinstance(entries, dict):
            self.variables, self.entries = variables, entries

    def parse_rules(
        self,
        stylesheet: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> Any:
        """``Stylesheet._parse_rules``, from the file when it holds the source."""
        own_key = (css, read_from, is_default_rules, tie_breaker, scope)
        if own_key in stylesheet._parse_cache:  # Textual's own cache, per stylesheet
            return stylesheet._parse_cache[own_key]
        variables = tuple(sorted(stylesheet._variables.items()))
        if variables != self.variables and not (self.hits or self.added):
            self.variables, self.entries = variables, {}  # another theme than the file's: start over
        kept = variables == self.variables
        if kept:
            self.used.add(own_key)
            found = self.entries.get(own_key)
            if found is not None:
                try:
                    rules = pickle.loads(found)
                except Exception as exc:  # an entry that no longer loads: parsed, and written anew
                    log.info("A parsed CSS entry is not used: %s", exc)
                    self.entries.pop(own_key, None)
                else:
                    self.hits += 1
                    stylesheet._parse_cache[own_key] = rules
                    return rules
        rules = _ORIGINAL(stylesheet, css, read_from, is_default_rules, tie_breaker, scope)
        if kept and not any(rule.errors for rule in rules):
            try:
                self.entries[own_key] = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
                self.added = True
            except Exception as exc:  # a Textual whose rules do not pickle: parsed each time
                log.info("Parsed CSS not kept: %s", exc)
        return rules

    def save(self) -> None:
        """Write the sources this run looked up, if it parsed one the file did not hold."""
        if not self.added:
            return
        kept = {key: value for key, value in self.entries.items() if key in self.used}
        data = pickle.dumps((self.stamp, self.variables, kept), protocol=pickle.HIGHEST_PROTOCOL)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(partial, self.path)
        except OSError as exc:  # the next start parses again
            log.info("Parsed CSS not written to %s: %s", self.path, exc)
            with contextlib.suppress(OSError):
                partial.unlink()
        self.added = False


def _own_and_private(stat: os.stat_result) -> bool:
    """Unpickling runs what the file says: only a file of this user that no one else may write."""
    getuid = getattr(os, "getuid", None)
    return (getuid is None or stat.st_uid == getuid()) and not stat.st_mode & 0o022


PATCH = textual_patches.Patch(
    "parsed CSS kept between runs",
    Stylesheet,
    "_parse_rules",
    CssCache.parse_rules,
    ("self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"),
    "not a Textual bug: Textual parses its CSS at every start",
)

_installed: CssCache | None = None


def install(directory: Path) -> CssCache | None:
    """Parse CSS through a cache in ``directory`` for the rest of the process; None where the installed
    Textual is not the one this was checked on (then Textual parses as it does)."""
    global _installed
    Stylesheet._parse_rules = _ORIGINAL  # type: ignore[method-assign]  # what the gate reads
    version = textual_patches.version_read() or textual_patches.textual_version()
    reason = textual_patches.why_not(PATCH, version)
    if reason is not None:
        log.info("Textual's CSS is parsed at each start: %s", reason)
        return None
    stamp = (FORMAT, version, sys.version_info[:2])
    cache = CssCache(directory / FILE_NAME, stamp)

    def parse_rules(stylesheet: Stylesheet, *args: Any, **kwargs: Any) -> Any:
        return cache.parse_rules(stylesheet, *args, **kwargs)

    Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]
    _installed = cache
    return cache


def uninstall() -> None:
    """Textual's own parsing again (``launch``, once the app has quit; tests)."""
    global _installed
    if _installed is not None:
        Stylesheet._parse_rules = _ORIGINAL  # type: ignore[method-assign]
        _installed = None


def save() -> None:
    """Write what the installed cache learned (``launch``, once the app has quit)."""
    if _installed is not None:
        _installed.save()
