"""The sessions browser's comparison: pick a target from the menus, run the recorded prompts on it, see
the answers stream into a column beside the recording's with a progress line, save the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sessions_rig as rig
from test_sessions_ui import select_row
from textual.widgets import Select, Static
from ui_pilot import SIZE, wait_until

from flux_tui.ui.screens.compare_screen import CompareScreen, RunColumn

TARGET_ANSWERS = ["Open it with pathlib.", "Iterate over the file object.", "Yes, generators stream."]


def column_text(column: RunColumn) -> str:
    return "\n".join(str(static.render()) for static in column.query(Static))


async def test_compare_streams_a_target_beside_the_recording_and_saves_it(
    sandbox: Path, fake_api: Any
) -> None:
    config = rig.sandbox_config(fake_api)
    recorded = await rig.record_conversation(fake_api, config)
    for answer in TARGET_ANSWERS:
        fake_api.queue_openai_text(answer, usage={"prompt_tokens": 500, "completion_tokens": 9})
    app = rig.make(config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rig.open_browser(pilot, app)
            select_row(screen, recorded.session_id)
            await pilot.press("f5")
            await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
            compare = app.screen
            assert isinstance(compare, CompareScreen)
            compare.query_one("#compare-provider", Select).value = "openai"
            await pilot.pause()
            model = compare.query_one("#compare-model", Select).value
            assert isinstance(model, str)
            await pilot.press("a")
            assert compare.targets == [("openai", model)]
            await pilot.press("r")
            await wait_until(pilot, compare.finished.is_set)
            await pilot.pause()

            recording, target = list(compare.query(RunColumn))
            assert recorded.answers[0] in column_text(recording)
            text = column_text(target)
            assert all(answer in text for answer in TARGET_ANSWERS)
            assert "Turn 3:" in text and "Total:" in text
            assert "Done: 1 of 1 targets ran" in str(compare.query_one("#compare-progress", Static).render())
            # The recorded prompts, in order, each after the target's own earlier answers.
            bodies = [r.body for r in fake_api.requests_to("/v1/chat/completions")][-3:]
            assert [b["messages"][-1]["content"] for b in bodies] == recorded.prompts

            await pilot.press("s")
            progress = compare.query_one("#compare-progress", Static)
            await wait_until(pilot, lambda: "Saved 1 sessions" in str(progress.render()))
    finally:
        rig.close(app)
    with rig.open_store(config) as store:
        saved = [s for s in store.list_sessions() if s.meta.get("compared_with") == recorded.session_id]
    assert len(saved) == 1 and saved[0].turns == 3
