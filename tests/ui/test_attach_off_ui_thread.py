"""``@path`` files are read off the UI thread, and a named pipe in a prompt neither freezes the app nor
stops the prompt: it is refused with a notice and the rest is sent."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from ui_pilot import SIZE, finish_turn, type_text, wait_until

import flux_tui.tools.mentions as mentions
from flux_tui.ui.widgets.chat_items import NoticeLine


async def test_mentions_are_read_in_a_worker_thread(
    make_app: Any, fake_api: Any, sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (sandbox / "notes.txt").write_text("alpha\n")
    threads: list[threading.Thread] = []
    real = mentions.expand_mentions

    def recording(*args: Any, **kwargs: Any) -> mentions.Expanded:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(mentions, "expand_mentions", recording)
    fake_api.queue_anthropic_text("It says alpha.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "summarise @notes.txt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"))
        await finish_turn(pilot, app)
        assert threads and threads[0] is not threading.main_thread()
        assert "alpha" in json.dumps(fake_api.last_request("/v1/messages").body["messages"][-1])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
async def test_a_named_pipe_is_refused_and_the_prompt_goes(
    make_app: Any, fake_api: Any, sandbox: Path
) -> None:
    os.mkfifo(sandbox / "pipe")
    fake_api.queue_anthropic_text("No pipe for me.")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "see @pipe")
        await pilot.press("enter")
        await wait_until(pilot, lambda: fake_api.requests_to("/v1/messages"), timeout=5)
        await finish_turn(pilot, app)
        notices = [str(n.render()) for n in app.conversation.chat.query(NoticeLine)]
        assert any("@pipe not attached: pipe is a named pipe" in n for n in notices)
