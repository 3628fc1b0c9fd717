"""When the garbage collector runs: never in the first frame's way, and full collections between
answers rather than in the middle of one.

Once the provider SDK and the prices are loaded, the process holds about a million objects that live
as long as it does (modules, classes, pydantic schemas). Each full collection walked them all: 100 to
160 ms pauses, several per long answer, were a third of the time a fast stream spent behind the server.
``gc.freeze()`` moves them out of the collector's sight; objects made later (the conversation, widgets)
are collected as before.

Before that, the collector is off from the command line until the first frame is painted: start-up
builds a few hundred thousand objects that all survive (modules, classes, styles), so collections
then only re-walk them: about 50 ms of the 0.5 s to the first frame, measured.

After the freeze, the conversation itself grows the heap: 100 exchanges in, a full collection took
130 ms, and CPython ran one every fourth exchange, in the middle of whichever answer was streaming
(the long-session benchmark's last exchanges were a third slower than its first, all of it in those
pauses). Full collections are now the app's to run when no turn streams (``collect_if_due``, after
each turn, as often as CPython's own threshold would); young generations are collected as before.
The automatic full collection stays as a backstop, at ten times its usual interval, for a turn that
runs far longer than usual.

All of this was measured on CPython 3.11 (``MEASURED_ON``) and applies there only. The collector's
thresholds are CPython internals: 3.14's incremental collector reads the second one as the share of the
old generation scanned per step and ignores the third, so the same settings would mean something else.
On any other version the collector keeps CPython's defaults (and the log says so); to add a version,
run ``python -m benchmarks --only startup,long_session`` on it with and without the tuning.
"""

from __future__ import annotations

import gc
import logging
import sys

log = logging.getLogger(__name__)

MEASURED_ON = frozenset({(3, 11)})  # the CPython minor versions the tuning was measured on

FULL_EVERY = 10  # collections of the middle generation between two full ones (CPython's threshold)
FULL_AT_THE_LATEST = 10 * FULL_EVERY  # the automatic full collection, past this even mid-turn

_frozen = False
_untuned_logged = False


def python_version() -> tuple[int, int]:
    return sys.version_info[0], sys.version_info[1]


def tuned() -> bool:
    """Whether this Python is one the tuning was measured on (logged once when it is not)."""
    global _untuned_logged
    version = python_version()
    if version in MEASURED_ON:
        return True
    if not _untuned_logged:
        _untuned_logged = True
        measured = ", ".join(f"{major}.{minor}" for major, minor in sorted(MEASURED_ON))
        log.info(
            "garbage collector left at CPython's defaults: its tuning was measured on Python %s, not %d.%d",
            measured,
            *version,
        )
    return False


def hold_collection() -> None:
    """Stop the garbage collector until ``release_collection`` (the app calls it after its first frame)."""
    if tuned():
        gc.disable()


def release_collection() -> None:
    gc.enable()


async def freeze_after_warm_up() -> bool:
    """Freeze the heap, once per process.

    Returns whether this call froze it (never on a Python the tuning was not measured on). Called when
    the provider is warmed up: the heavy imports are done by then, so what is frozen is what start-up
    built. The token encoding is not loaded for it: it is loaded only when a count must be exact
    (``core.tokens``), and its tables are Rust memory the collector never walks.
    """
    global _frozen
    if _frozen:
        return False
    _frozen = True
    if not tuned():
        return False
    gc.freeze()
    defer_full_collections()
    return True


def defer_full_collections() -> None:
    """Leave full collections to ``collect_if_due`` (but for the backstop)."""
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_AT_THE_LATEST)


def collect_if_due() -> bool:
    """Run a full collection if CPython would have by now; returns whether it ran."""
    if not tuned() or gc.get_count()[2] < FULL_EVERY:
        return False
    gc.collect()
    return True
