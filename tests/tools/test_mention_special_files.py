"""``@path`` naming a named pipe, a socket or a device is refused at once, never opened and waited on."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from flux_tui.tools.jail import Workspace
from flux_tui.tools.mentions import Expanded, expand_mentions

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")


def _expand_within(prompt: str, ws: Workspace, seconds: float = 5.0) -> Expanded:
    """``expand_mentions`` in a thread, so a test of a blocking open fails instead of hanging."""
    result: list[Expanded] = []
    worker = threading.Thread(target=lambda: result.append(expand_mentions(prompt, ws)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        # Unblock the stuck open so the thread ends, then fail.
        fd = os.open(ws.root / "pipe", os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("expand_mentions blocked on a special file")
    return result[0]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "notes.md").write_text("kept\n")
    out = _expand_within("see @pipe and @notes.md", Workspace(tmp_path))
    assert [a.shown for a in out.attached] == ["notes.md"]
    assert len(out.refused) == 1
    assert out.refused[0].startswith("@pipe not attached: pipe is a named pipe")
    assert "<file path=\"pipe\">" not in out.text


def test_a_socket_is_refused_with_its_kind(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        out = expand_mentions("see @sock", Workspace(tmp_path))
    finally:
        server.close()
    assert out.attached == []
    assert out.refused and "a socket" in out.refused[0]
