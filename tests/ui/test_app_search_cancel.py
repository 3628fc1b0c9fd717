"""Esc during a long search_files: the turn ends at once and the search itself stops working."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from ui_pilot import SIZE, finish_turn, type_text, wait_until


async def test_escape_stops_a_running_search(make_app: Any, fake_api: Any, sandbox: Path) -> None:
    line = "abc " * 60  # a.*b.*c.*= backtracks over it for milliseconds, without ever matching
    for i in range(40):
        (sandbox / f"f{i:02}.txt").write_text((line + "\n") * 50)
    fake_api.queue_anthropic_tool_use([("toolu_s", "search_files", {"pattern": r"a.*b.*c.*="})])
    fake_api.queue_anthropic_text("unused")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, app, "search")
        await pilot.press("enter")

        def running() -> bool:
            record = app.conversation.inspector.record("toolu_s")
            return record is not None and record.status == "running"

        await wait_until(pilot, running)
        await asyncio.sleep(0.3)
        pressed = time.monotonic()
        await pilot.press("escape")
        await finish_turn(pilot, app)
        assert time.monotonic() - pressed < 2.0
        assert app.conversation.chat.answers[-1].state == "cancelled"
        record = app.conversation.inspector.record("toolu_s")
        assert record is not None and record.status == "cancelled"
        await asyncio.sleep(1.2)  # the file being searched is finished, then the search thread stops
        before = time.process_time()
        await asyncio.sleep(1.0)
        assert time.process_time() - before < 0.3
