"""Tool work off the event loop, in daemon threads that never keep the process alive.

``asyncio.to_thread`` uses the loop's executor, whose threads are joined when ``asyncio.run`` ends and
again at interpreter exit: one tool stuck in a system call (or a search still running after a cancel)
would keep the app alive after ctrl+q. A daemon thread per call is not waited for; a cancel returns
at once to the awaiting task and sets the ``threading.Event`` the work may poll to stop early.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the awaiting task was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


async def run_in_thread(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a new daemon thread; a cancel stops the waiting, not the thread."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def work() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(fn, *args)
        except BaseException as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_settle, future, result, error)

    threading.Thread(target=work, name=f"flux-tool-{getattr(fn, '__name__', 'work')}", daemon=True).start()
    return await future


async def run_cancellable(fn: Callable[[threading.Event], T]) -> T:
    """``fn(cancel)`` in a daemon thread; ``cancel`` is set when the caller stops waiting, for any reason."""
    cancel = threading.Event()
    try:
        return await run_in_thread(fn, cancel)
    finally:
        cancel.set()
