"""Named pipes and sockets in the workspace: the file tools refuse or skip them without waiting on them.

On a tool that opens a pipe for reading, the open waits for a writer forever. Every test here arms a
watchdog that, after a few seconds, opens the pipe for writing (which releases such a reader), so a
regression fails the test instead of hanging the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flux_tui.core.protocols import ToolOutcome
from flux_tui.core.transcript import ToolCall
from flux_tui.tools import ToolBox

HANG = 5.0  # seconds after which a tool call is taken for hung


def _release(fifo: Path, stop: threading.Event) -> None:
    """Until ``stop``: let any reader blocked on opening ``fifo`` through (a writer opens and closes it)."""
    while not stop.wait(HANG):
        with contextlib.suppress(OSError):  # ENXIO: nobody is waiting to read
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "notes.txt").write_text("pipe dream\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    stop = threading.Event()
    watchdog = threading.Thread(target=_release, args=(fifo, stop), daemon=True)
    watchdog.start()
    yield tmp_path
    stop.set()
    watchdog.join()


async def call(box: ToolBox, name: str, **args: Any) -> ToolOutcome:
    async def both() -> ToolOutcome:
        prepared = box.prepare(ToolCall("id", name, args))
        if prepared.error is not None:
            return ToolOutcome(prepared.error, is_error=True)
        return await box.run(prepared)

    loop = asyncio.get_running_loop()
    started = loop.time()
    outcome = await asyncio.wait_for(both(), 2 * HANG)
    assert loop.time() - started < HANG, f"{name} waited on the pipe"
    return outcome


async def test_read_file_refuses_a_named_pipe(ws: Path) -> None:
    out = await call(ToolBox(ws), "read_file", path="pipe")
    assert out.is_error
    assert "pipe is a named pipe, not a regular file" in out.content


async def test_read_file_refuses_a_link_to_a_named_pipe(ws: Path) -> None:
    (ws / "link").symlink_to(ws / "pipe")
    out = await call(ToolBox(ws), "read_file", path="link")
    assert out.is_error and "named pipe" in out.content


async def test_search_skips_a_named_pipe(ws: Path) -> None:
    box = ToolBox(ws)
    out = await call(box, "search_files", pattern="dream")
    assert not out.is_error
    assert out.content == "notes.txt:1: pipe dream"
    # Named explicitly: skipped too, nothing to match.
    assert "no matches" in (await call(box, "search_files", pattern="dream", path="pipe")).content


async def test_list_skips_named_pipes_and_sockets(ws: Path) -> None:
    assert (await call(ToolBox(ws), "list_files")).content.splitlines() == ["notes.txt"]
    # AF_UNIX paths are short (108 bytes): this workspace lives in a short temporary directory.
    with tempfile.TemporaryDirectory(prefix="flux") as short, socket.socket(socket.AF_UNIX) as server:
        server.bind(str(Path(short) / "s.sock"))
        (Path(short) / "a.txt").write_text("a\n")
        box = ToolBox(short)
        assert (await call(box, "list_files")).content.splitlines() == ["a.txt"]
        assert (await call(box, "search_files", pattern=".")).content == "a.txt:1: a"
        read = await call(box, "read_file", path="s.sock")
        assert read.is_error and "s.sock is a socket, not a regular file" in read.content


async def test_edit_and_write_refuse_a_named_pipe(ws: Path) -> None:
    box = ToolBox(ws, yolo=True)
    edit = await call(box, "edit_file", path="pipe", old_string="a", new_string="b")
    assert edit.is_error and "named pipe" in edit.content
    write = await call(box, "write_file", path="pipe", content="x")
    assert write.is_error and "named pipe" in write.content
    assert (ws / "pipe").is_fifo()  # not replaced by a regular file


async def test_a_file_swapped_for_a_pipe_after_reading_is_refused(ws: Path) -> None:
    box = ToolBox(ws, yolo=True)
    target = ws / "data.txt"
    target.write_text("one\n")
    assert not (await call(box, "read_file", path="data.txt")).is_error
    target.unlink()
    os.mkfifo(target)
    out = await call(box, "edit_file", path="data.txt", old_string="one", new_string="two")
    assert out.is_error and "named pipe" in out.content
