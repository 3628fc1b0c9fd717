"""A turn's start and end (the app's ``busy``) redraw only the widgets bound to it, not the whole
screen: a whole-screen repaint was a second full frame (23 to 27 KB to the terminal) in the frame that
shows the answer's start, and again in the one that shows its end."""

from __future__ import annotations

from typing import Any

from ui_pilot import SIZE

from flux_tui.ui.widgets.top_bar import STREAMING_STATUS


def _drawn(app: Any) -> str:
    """The screen as its widgets last drew it (the lines Textual keeps for them, not drawn again)."""
    update = app.conversation._compositor.render_update(full=True)
    return "\n".join("".join(strip.text for strip in line) for line in update.strips)


async def test_busy_changes_repaint_the_bound_widgets_only(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.conversation
        assert not screen._repaint_required
        for busy in (True, False):
            app.busy = busy
            assert not screen._repaint_required, f"busy={busy} asked for a repaint of the whole screen"
            await pilot.pause()
            assert (STREAMING_STATUS in _drawn(app)) is busy
            assert screen.prompt_input.busy is busy
