"""Freezing the start-up heap, so the garbage collector stops rescanning it in the middle of a stream.

Once the provider SDK, the prices and the token encoding are loaded, the process holds about a million
objects that live as long as it does (modules, classes, pydantic schemas, the encoding's tables). Each
full collection walked them all: 100 to 160 ms pauses, several per long answer, were a third of the
time a fast stream spent behind the server. ``gc.freeze()`` moves them out of the collector's sight;
objects made later (the conversation, widgets) are collected as before.

Before that, the collector is off from the command line until the first frame is painted: start-up
builds a few hundred thousand objects that all survive (modules, classes, styles), so collections
then only re-walk them: about 50 ms of the 0.5 s to the first frame, measured.
"""

from __future__ import annotations

import asyncio
import gc

from flux_tui.core import tokens

_frozen = False


def hold_collection() -> None:
    """Stop the garbage collector until ``release_collection`` (the app calls it after its first frame)."""
    gc.disable()


def release_collection() -> None:
    gc.enable()


async def freeze_after_warm_up() -> bool:
    """Load the token encoding (in a thread), then freeze the heap, once per process.

    Returns whether this call froze it. Called when the provider is warmed up: the heavy imports are
    done by then, so what is frozen is what start-up built.
    """
    global _frozen
    if _frozen:
        return False
    _frozen = True
    await asyncio.to_thread(tokens.preload, False)
    gc.freeze()
    return True
