"""The conversation screen has its width's class (``FluxApp.HORIZONTAL_BREAKPOINTS``) before anything on
it is styled: given by Textual's first ``Resize``, after the first frame, a new class restyled every
widget on the screen where keys typed at once wait for the event loop."""

from __future__ import annotations

from typing import Any

import pytest

from flux_tui.ui.screens.conversation import ConversationScreen


@pytest.mark.parametrize(("width", "expected"), [(160, "-wide"), (100, "-medium"), (60, "-narrow")])
async def test_the_width_class_is_there_when_the_screen_mounts(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, width: int, expected: str
) -> None:
    seen: list[set[str]] = []
    real = ConversationScreen.on_mount

    def on_mount(self: ConversationScreen) -> None:
        seen.append(set(self.classes))
        real(self)

    monkeypatch.setattr(ConversationScreen, "on_mount", on_mount)
    app = make_app()
    async with app.run_test(size=(width, 40)) as pilot:
        await pilot.pause()
        assert expected in app.conversation.classes  # what Textual's Resize gives, the same
    assert seen and expected in seen[0]
    assert {"-wide", "-medium", "-narrow"} & seen[0] == {expected}

