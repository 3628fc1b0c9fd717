"""/stats after /clear: the turns before the clear still show what they cost, as the usage table does
(the money was spent)."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE, run_command, send

from flux_tui.ui.reports import stats_markdown


async def test_the_costliest_turns_keep_the_turns_before_a_clear(make_app: Any, fake_api: Any) -> None:
    fake_api.queue_anthropic_text("first answer")
    fake_api.queue_anthropic_text("second answer")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "before the clear")
        await run_command(pilot, app, "/clear")
        await send(pilot, app, "after the clear")
        text = stats_markdown(app.conversation.usage(), app.conversation.attribution)
        rows = [line for line in text.splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")]
        assert any("before the clear" in row for row in rows), text
        assert any("after the clear" in row for row in rows), text
