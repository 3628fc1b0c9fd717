"""How the side panels share a terminal's width with the conversation (``panels.fit``)."""

from __future__ import annotations

from flux_tui.ui.panels import CHAT_MIN, INSPECTOR, SIDEBAR, fit


def test_fit_keeps_the_chat_its_columns() -> None:
    both = [("sidebar", SIDEBAR), ("inspector", INSPECTOR)]
    assert fit(160, both) == {"inspector": 60, "sidebar": 36}
    narrower = fit(130, both)
    assert set(narrower) == {"inspector", "sidebar"} and sum(narrower.values()) == 130 - CHAT_MIN
    assert narrower["sidebar"] >= SIDEBAR.min_width and narrower["inspector"] >= INSPECTOR.min_width
    assert fit(110, both) == {"inspector": 50}  # no room for both: the one opened last
    assert fit(80, [("sidebar", SIDEBAR)]) == {}  # open by default, no room
    assert fit(80, [("sidebar", SIDEBAR)], asked="sidebar") == {"sidebar": 36}
    assert fit(60, both, asked="inspector") == {"inspector": 30}
