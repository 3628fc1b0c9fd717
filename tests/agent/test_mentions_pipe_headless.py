"""``flux-tui run "see @pipe"``: a named pipe is refused on stderr at once and the prompt still goes."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from test_headless_output import config_for, workspace  # noqa: F401  (the fixture)

from flux_tui.headless import EXIT_OK, run_headless


def _unblock_later(pipe: Path, stop: threading.Event) -> None:
    """Opens the pipe for writing after a while, so code that waits on it fails instead of hanging."""
    if not stop.wait(5):
        fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
async def test_headless_refuses_a_named_pipe(fake_api: FakeAPI, workspace: Path) -> None:  # noqa: F811
    pipe = workspace / "pipe"
    os.mkfifo(pipe)
    fake_api.queue_anthropic_text("Nothing attached.")
    stop = threading.Event()
    guard = threading.Thread(target=_unblock_later, args=(pipe, stop), daemon=True)
    guard.start()
    err = io.StringIO()
    try:
        code = await run_headless(
            config_for(fake_api, workspace, "anthropic"), "see @pipe", out=io.StringIO(), err=err
        )
    finally:
        stop.set()
    assert code == EXIT_OK
    assert "flux-tui: @pipe not attached: pipe is a named pipe" in err.getvalue()
    sent = json.dumps(fake_api.last_request("/v1/messages").body["messages"][-1])
    assert "see @pipe" in sent and "<file" not in sent
